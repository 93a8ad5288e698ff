package embedded

import "sync"

type Cache struct {
	sync.Mutex
	m map[string]string
}

type Outer struct {
	*Cache
	n int
}

var state struct {
	sync.RWMutex
	n int
}

func (c *Cache) Get(k string) string {
	c.Lock()
	defer c.Unlock()
	return c.m[k]
}

func (o Outer) Touch() {
	o.Lock()
	o.Unlock()
}

func Bump() {
	state.Lock()
	state.n++
	state.Unlock()
}
