package newmu

import "sync"

func Run() {
	rw := new(sync.RWMutex)
	rw.RLock()
	rw.RUnlock()
}
