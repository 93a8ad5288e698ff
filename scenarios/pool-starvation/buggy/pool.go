package main

import "sync"

// Future is the result of a task submitted to a Pool.
type Future struct {
	done chan struct{} // closed when val and err are set
	val  string
	err  error
}

// Get waits for the task to finish and returns its result.
func (f *Future) Get() (string, error) {
	<-f.done
	return f.val, f.err
}

// Pool runs tasks on a fixed number of worker goroutines, in the order
// they were submitted, like Python's ThreadPoolExecutor.
type Pool struct {
	tasks   chan func() // queued tasks; closed by Close
	workers sync.WaitGroup
}

// NewPool returns a pool whose queue holds up to queue tasks. Start starts
// its workers.
func NewPool(queue int) *Pool { return &Pool{tasks: make(chan func(), queue)} }

// Start starts n workers.
func (p *Pool) Start(n int) {
	for i := 0; i < n; i++ {
		p.workers.Add(1)
		go func() {
			defer p.workers.Done()
			for task := range p.tasks {
				task()
			}
		}()
	}
}

// Submit queues fn and returns its future.
func (p *Pool) Submit(fn func() (string, error)) *Future {
	f := &Future{done: make(chan struct{})}
	p.tasks <- func() {
		f.val, f.err = fn()
		close(f.done)
	}
	return f
}

// Close lets the workers finish the queued tasks, and waits until they
// have.
func (p *Pool) Close() {
	close(p.tasks)
	p.workers.Wait()
}
