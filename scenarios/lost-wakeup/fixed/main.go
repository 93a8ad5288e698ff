// Command lost-wakeup (fixed) runs a background worker that waits for jobs on a
// queue; a client hands it one job at a time and waits for each result.
package main

import (
	"fmt"
	"hash/crc32"
	"sync"
	"time"
)

// Queue holds jobs for one worker.
type Queue struct {
	mu   sync.Mutex // guards jobs
	jobs [][]byte
	// notify wakes the worker when a job arrives. The sender does not
	// block: if the worker is busy, it will see the job when it next looks.
	// Its buffer of one keeps a wake-up for a worker that is not waiting
	// yet.
	notify chan struct{}
}

// Push adds a job and wakes the worker.
func (q *Queue) Push(job []byte) {
	q.mu.Lock()
	q.jobs = append(q.jobs, job)
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default: // the worker is busy and will look again
	}
}

// Next waits for a job and takes it; it reports false when quit is
// closed first.
//
// FIX: notify has a buffer of one. A Push between the worker's Unlock and
// its receive leaves its wake-up in the buffer, and the receive takes it
// at once. A stale wake-up costs one more look at the queue, never a job.
func (q *Queue) Next(quit <-chan struct{}) ([]byte, bool) {
	for {
		q.mu.Lock()
		if len(q.jobs) > 0 {
			job := q.jobs[0]
			q.jobs = q.jobs[1:]
			q.mu.Unlock()
			return job, true
		}
		q.mu.Unlock()
		select {
		case <-q.notify:
		case <-quit:
			return nil, false
		}
	}
}

// request builds a job: a little work, like decoding a request.
func request(i int) []byte {
	b := make([]byte, 16<<10)
	for j := range b {
		b[j] = byte(i + j)
	}
	return b
}

func main() {
	q := &Queue{notify: make(chan struct{}, 1)}
	results := make(chan uint32)
	quit := make(chan struct{})
	go func() { // the worker
		for {
			job, ok := q.Next(quit)
			if !ok {
				return
			}
			results <- crc32.ChecksumIEEE(job)
		}
	}()
	done := make(chan struct{})
	go func() { // the client: one job at a time
		defer close(done)
		for i := 0; i < 50; i++ {
			q.Push(request(i))
			<-results
		}
	}()
	select {
	case <-done:
		fmt.Println("the client got every result")
	case <-time.After(500 * time.Millisecond):
		fmt.Println("the client still waits for a result after 500ms")
	}
	close(quit)
}
