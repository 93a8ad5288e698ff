// Package pipe has a channel-only leak (no lock anywhere on its path) and
// a mixed deadlock: Flush sends on a full channel holding Buffer.mu, and
// the only reader, Drain, first wants Buffer.mu.
package pipe

import (
	"sync"
	"time"
)

// Fetch asks a worker and gives up after d; the worker leaks.
func Fetch(d time.Duration) (int, bool) {
	out := make(chan int)
	go fetchWorker(out)
	select {
	case v := <-out:
		return v, true
	case <-time.After(d):
		return 0, false
	}
}

func fetchWorker(out chan<- int) {
	time.Sleep(20 * time.Millisecond)
	out <- 42
}

type Buffer struct {
	mu      sync.Mutex
	pending []int
	out     chan int
}

func (b *Buffer) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, v := range b.pending {
		b.out <- v
	}
	b.pending = nil
}

func (b *Buffer) Drain() int {
	b.mu.Lock()
	n := len(b.pending)
	b.mu.Unlock()
	for i := 0; i < n; i++ {
		<-b.out
	}
	return n
}
