// Command producer-consumer feeds jobs through a locked queue to a
// consumer that hands each result back over a channel, still holding the
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

// consume pops jobs and sends their results. The send happens under q.mu:
// when results is full, the consumer waits for the producer while holding
// the lock the producer takes to push the next batch.
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
		q.results <- job * job // blocks under q.mu when the producer is behind
		q.mu.Unlock()
	}
}

// produce pushes batches and drains each batch's results before the next.
// It never wants q.mu while the consumer blocks, so this run finishes; a
// producer that pushed the next batch before draining would deadlock.
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
