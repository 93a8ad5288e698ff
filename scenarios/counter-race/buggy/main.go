// Command counter-race counts the requests a server handles, from every
// worker goroutine at once.
package main

import (
	"fmt"
	"sync"
)

// Server handles requests and counts them.
type Server struct {
	requests int // requests handled so far: incremented by every worker, unguarded
}

// handle serves one request and counts it. requests++ is a read, an add
// and a write: two workers can read the same value and lose an increment.
func (s *Server) handle(id int) string {
	s.requests++
	return fmt.Sprintf("response %d", id)
}

func main() {
	s := &Server{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				s.handle(w*100 + i)
			}
		}()
	}
	wg.Wait()
	fmt.Println("requests:", s.requests) // often less than 400
}
