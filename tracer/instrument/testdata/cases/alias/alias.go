package alias

import s "sync"

type Mu = s.Mutex

type Box struct {
	mu Mu
	rw s.RWMutex
}

func (b *Box) Do() {
	b.mu.Lock()
	b.mu.Unlock()
	b.rw.RLock()
	b.rw.RUnlock()
}
