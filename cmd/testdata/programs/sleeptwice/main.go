// Command sleeptwice sleeps under its lock in two separate critical
// sections: one blocking-under-lock site, seen exactly twice.
package main

import (
	"sync"
	"time"
)

type Throttle struct {
	mu sync.Mutex
	n  int
}

// Wait paces callers by sleeping while it holds the lock.
func (t *Throttle) Wait() {
	t.mu.Lock()
	defer t.mu.Unlock()
	time.Sleep(10 * time.Millisecond)
	t.n++
}

func main() {
	var t Throttle
	t.Wait()
	t.Wait()
}
