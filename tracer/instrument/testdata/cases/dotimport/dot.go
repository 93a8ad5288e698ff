package dotimport

import . "sync"

type D struct{ mu Mutex }

type E struct{ RWMutex }

func (d *D) Do(e *E) {
	d.mu.Lock()
	d.mu.Unlock()
	e.Lock()
	e.Unlock()
}
