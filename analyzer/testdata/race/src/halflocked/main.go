// Halflocked has a writer that holds Stats.mu through a deferred Unlock and
// a reader that forgot it.
package main

import (
	"fmt"
	"sync"
)

// Stats are request statistics.
type Stats struct {
	mu    sync.RWMutex
	total int
}

func (s *Stats) Add(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total += n
}

func (s *Stats) Total() int {
	return s.total
}

func main() {
	s := &Stats{}
	done := make(chan struct{})
	go func() {
		for i := 0; i < 10; i++ {
			s.Add(i)
		}
		close(done)
	}()
	fmt.Println(s.Total())
	<-done
}
