// Command pool-close-race (fixed) runs a worker pool that a producer feeds while
// the main goroutine shuts it down.
package main

import (
	"errors"
	"fmt"
	"hash/crc32"
	"sync"
	"sync/atomic"
)

// ErrClosed is Submit's answer once the pool is closed.
var ErrClosed = errors.New("pool closed")

// Pool runs submitted jobs on a fixed number of workers.
type Pool struct {
	mu       sync.Mutex // guards closed and the adding to inflight
	closed   bool
	inflight sync.WaitGroup // Submits between their check and their send
	jobs     chan []byte
	wg       sync.WaitGroup // the workers
	done     atomic.Int64   // jobs finished
	busy     chan struct{}  // closed when the 20th job is done
}

// NewPool starts n workers.
func NewPool(n int) *Pool {
	p := &Pool{jobs: make(chan []byte, 16), busy: make(chan struct{})}
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

func (p *Pool) work() {
	defer p.wg.Done()
	for job := range p.jobs {
		crc32.ChecksumIEEE(job)
		if p.done.Add(1) == 20 {
			close(p.busy)
		}
	}
}

// Submit queues a job, or returns ErrClosed once the pool is closed.
//
// FIX: a Submit that passed the check counts itself in flight before it
// unlocks, and Close closes the channel only when no Submit is in flight.
// The send itself happens without the lock, which a full queue could hold
// for long.
func (p *Pool) Submit(job []byte) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	p.inflight.Add(1)
	p.mu.Unlock()
	defer p.inflight.Done()
	p.jobs <- job
	return nil
}

// Close stops taking jobs and waits for the queued ones to finish.
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.inflight.Wait() // no Submit is between its check and its send
	close(p.jobs)
	p.wg.Wait()
}

// request builds the next job: a little work, like parsing a request.
func request(i int) []byte {
	b := make([]byte, 4096)
	for j := range b {
		b[j] = byte(i + j)
	}
	crc32.ChecksumIEEE(b)
	return b
}

func main() {
	p := NewPool(2)
	var submitted atomic.Int64
	var producers sync.WaitGroup
	for h := 0; h < 2; h++ { // request handlers
		producers.Add(1)
		go func() {
			defer producers.Done()
			for i := 0; ; i++ {
				if err := p.Submit(request(i)); err != nil {
					return
				}
				submitted.Add(1)
			}
		}()
	}
	// Shut down while the handlers are still submitting, as a server does
	// on SIGTERM.
	<-p.busy
	p.Close()
	producers.Wait()
	fmt.Printf("submitted %d jobs before the pool closed\n", submitted.Load())
}
