// Command pool-close-race runs a worker pool that a producer feeds while
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
	mu     sync.Mutex // guards closed
	closed bool
	jobs   chan []byte
	wg     sync.WaitGroup // the workers
	done   atomic.Int64   // jobs finished
	busy   chan struct{}  // closed when the 20th job is done
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
// BUG: it checks closed under the lock, but sends after unlocking. A Close
// that runs between the check and the send closes the channel under the
// job's feet: "panic: send on closed channel".
func (p *Pool) Submit(job []byte) error {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return ErrClosed
	}
	p.jobs <- job
	return nil
}

// Close stops taking jobs and waits for the queued ones to finish.
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	close(p.jobs)
	p.mu.Unlock()
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
