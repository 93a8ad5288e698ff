package ticker

import (
	"testing"
	"time"
)

type Cache struct{ done chan struct{} }

func New() *Cache {
	c := &Cache{done: make(chan struct{})}
	go c.janitor()
	return c
}

// janitor wakes up every second until Close.
func (c *Cache) janitor() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		}
	}
}

func (c *Cache) Close() { close(c.done) }

func TestUse(t *testing.T) {
	New() // never closed
	time.Sleep(100 * time.Millisecond)
}
