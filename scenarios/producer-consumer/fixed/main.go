// Command producer-consumer feeds jobs through a locked queue to a
// consumer that hands each result back over a channel after releasing the
// queue's lock.
package main

import (
	"fmt"
	"sync"
)

// Queue is a batch queue shared by a producer and one consumer.
type Queue struct {
	mu      sync.Mutex // guards jobs and closed
	jobs    []int
	closed  bool
	ready   chan struct{} // a batch was pushed or the queue closed
	results chan int      // results, room for one: the producer drains them
}

// consume pops jobs and sends their results after releasing q.mu: a full
// results channel makes only the consumer wait.
func (q *Queue) consume() {
	for {
		q.mu.Lock()
		if len(q.jobs) == 0 {
			closed := q.closed
			q.mu.Unlock()
			if closed {
				close(q.results)
				return
			}
			<-q.ready
			continue
		}
		job := q.jobs[0]
		q.jobs = q.jobs[1:]
		q.mu.Unlock()
		q.results <- job * job // may block, but holds nothing
	}
}

// produce pushes batches and drains each batch's results before the next.
func (q *Queue) produce(batches, size int) int {
	sum := 0
	for b := 0; b < batches; b++ {
		q.mu.Lock()
		for i := 0; i < size; i++ {
			q.jobs = append(q.jobs, b*size+i)
		}
		q.mu.Unlock()
		q.signal()
		for i := 0; i < size; i++ {
			sum += <-q.results
		}
	}
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
	return sum
}

// signal wakes the consumer if it waits; a wake-up already pending will do.
func (q *Queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

func main() {
	q := &Queue{ready: make(chan struct{}, 1), results: make(chan int, 1)}
	done := make(chan struct{})
	go func() {
		q.consume()
		close(done)
	}()
	sum := q.produce(20, 8)
	for range q.results {
	}
	<-done
	fmt.Println("sum of squares:", sum)
}
