// Package leaks is a corpus of goroutine leaks and communication
// deadlocks from the published Go bug taxonomies (Tu et al., ASPLOS 2019;
// GoBench), each exercised by a test named TestLeakX in leaks_test.go
// beside a fixed twin TestCleanX. lockscope's end-to-end test expects a
// blocked-forever finding naming every TestLeakX and none naming a
// TestCleanX.
package leaks

import (
	"context"
	"errors"
	"sync"
	"time"
)

// First asks every backend and returns the first answer. Buggy: the
// results channel is unbuffered, so every backend but the first blocks
// sending forever. Fixed: a buffer for every backend.
func First(backends []func() int, buffered bool) int {
	n := 0
	if buffered {
		n = len(backends)
	}
	results := make(chan int, n)
	for _, b := range backends {
		b := b
		go func() { results <- b() }()
	}
	return <-results
}

// WithTimeout runs f, giving up after d. Buggy: the result channel is
// unbuffered, so after a timeout f's goroutine blocks sending forever.
func WithTimeout(f func() int, d time.Duration, buffered bool) (int, bool) {
	n := 0
	if buffered {
		n = 1
	}
	ch := make(chan int, n)
	go func() { ch <- f() }()
	select {
	case v := <-ch:
		return v, true
	case <-time.After(d):
		return 0, false
	}
}

// Sum starts a consumer that ranges over in until it is closed and
// reports the total on out.
func Sum(in <-chan int, out chan<- int) {
	go func() {
		t := 0
		for v := range in {
			t += v
		}
		out <- t
	}()
}

// Produce sends items on out and, when it fails half way, returns an
// error. Buggy: the error path forgets to close out.
func Produce(items []int, out chan<- int, closeOnError bool) error {
	for _, v := range items {
		if v < 0 {
			if closeOnError {
				close(out)
			}
			return errors.New("negative item")
		}
		out <- v
	}
	close(out)
	return nil
}

// Queue is a queue whose consumer waits on a Cond.
type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

// NewQueue returns an empty queue.
func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Pop waits for an item.
func (q *Queue) Pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// Push adds an item. Buggy: it does not signal the waiting consumer.
func (q *Queue) Push(v int, signal bool) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
	if signal {
		q.cond.Signal()
	}
}

// Watch waits for ctx to be cancelled, then reports on done.
func Watch(ctx context.Context, done chan<- struct{}) {
	go func() {
		<-ctx.Done()
		close(done)
	}()
}

// Cache guards entries with a lock. Notify holds the lock across a send
// whose receiver needs the lock to receive: a mixed deadlock.
type Cache struct {
	mu       sync.Mutex
	entries  map[string]int
	events   chan string
	onLocked func() // a test hook called with mu held, if set
}

// NewCache returns a cache with an unbuffered event channel.
func NewCache() *Cache {
	return &Cache{entries: map[string]int{}, events: make(chan string)}
}

// Set stores v and announces the key. Buggy: it sends while holding mu.
func (c *Cache) Set(k string, v int, sendUnderLock bool) {
	c.mu.Lock()
	c.entries[k] = v
	if c.onLocked != nil {
		c.onLocked()
	}
	if sendUnderLock {
		c.events <- k
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.events <- k
}

// Listen receives one event, reading the entry under the lock first.
func (c *Cache) Listen() int {
	c.mu.Lock()
	n := len(c.entries)
	c.mu.Unlock()
	<-c.events
	return n
}

// Registry is guarded by an RWMutex.
type Registry struct {
	mu    sync.RWMutex
	names []string
}

// Each calls f for every name under the read lock.
func (r *Registry) Each(f func(string)) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, n := range r.names {
		f(n)
	}
}

// Add appends a name under the write lock.
func (r *Registry) Add(n string) {
	r.mu.Lock()
	r.names = append(r.names, n)
	r.mu.Unlock()
}

// Events and Updates are package-level channels: goroutines blocked on
// them stay reachable, so the leak profile cannot prove them leaked.
var (
	Events  = make(chan int)
	Updates = make(chan int)
)
