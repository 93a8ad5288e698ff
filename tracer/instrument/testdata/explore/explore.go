// Package explore has one of each concurrency operation the explore
// rewrite puts a scheduling point before.
package explore

import (
	"os"
	"sync"
)

type Pool struct {
	mu   sync.Mutex
	jobs chan int
	wg   sync.WaitGroup
	once sync.Once
	cond *sync.Cond
}

func (p *Pool) Run() int {
	p.mu.Lock() // point: Mutex.Lock
	n := len(p.jobs)
	p.mu.Unlock() // point: Mutex.Unlock
	p.jobs <- n   // point: send
	v := <-p.jobs // point: receive
	go func() {   // point: go
		defer p.wg.Done()    // no point: deferred
		p.once.Do(func() {}) // point: Once.Do
	}()
	if x, ok := <-p.jobs; ok { // point: receive
		v += x
	}
	select { // point: select
	case v = <-p.jobs:
	default:
	}
	for x := range p.jobs { // point: receive
		v += x
	}
	p.cond.Broadcast() // point: Cond.Broadcast
	p.wg.Wait()        // point: WaitGroup.Wait
	close(p.jobs)      // point: close
	if v < 0 {
		os.Exit(1) // no point
	}
	return v + len(p.jobs) // no point
}
