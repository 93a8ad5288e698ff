// Package exitbusy returns from its test while two goroutines are still
// working on one lock: the exit snapshot is taken while they lock, unlock
// and end, which is where a torn read of lock state and goroutine state
// invents a goroutine that "ended holding" a lock it always unlocks by
// defer.
package exitbusy

import (
	"sync"
	"testing"
)

type Conn struct{ sync.Mutex }

func poll(c *Conn, stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
			c.Lock()
			c.Unlock()
		}
	}
}

func closeConn(c *Conn, stop chan struct{}) {
	c.Lock()
	defer c.Unlock()
	stop <- struct{}{}
}

func TestExitWhileBusy(t *testing.T) {
	c := &Conn{}
	stop := make(chan struct{})
	go poll(c, stop)
	go closeConn(c, stop)
}
