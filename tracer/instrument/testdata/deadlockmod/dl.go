package deadlockmod

import "github.com/sasha-s/go-deadlock"

type Conn struct {
	mu deadlock.Mutex
	rw deadlock.RWMutex
}

func (c *Conn) Send() {
	c.mu.Lock()
	c.mu.Unlock()
	c.rw.RLock()
	c.rw.RUnlock()
}
