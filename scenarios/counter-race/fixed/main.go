// Command counter-race counts the requests a server handles, from every
// worker goroutine at once; the fixed variant counts atomically.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Server handles requests and counts them.
type Server struct {
	requests atomic.Int64 // requests handled so far
}

// handle serves one request and counts it with one atomic add: no
// increment is lost and no lock is needed for a single word.
func (s *Server) handle(id int) string {
	s.requests.Add(1)
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
	fmt.Println("requests:", s.requests.Load()) // always 400
}
