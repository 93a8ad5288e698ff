// Command http-hot-lock serves stock quotes over HTTP from a cache that one
// mutex guards, and drives the server with concurrent clients. A stale
// quote is refreshed from the upstream pricing service while the mutex is
// held, so every request, for any symbol, waits behind that call.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// maxAge is how long a cached quote is served before it is refreshed.
const maxAge = 10 * time.Millisecond

type quote struct {
	price float64
	at    time.Time
}

// Server answers GET /quote?sym=X.
type Server struct {
	mu       sync.Mutex // guards quotes and requests; held across the upstream call: the bug
	quotes   map[string]quote
	requests int
}

// upstreamPrice stands for the call to the pricing service: a 2ms round
// trip on a good day.
func upstreamPrice(sym string) float64 {
	time.Sleep(2 * time.Millisecond)
	return float64(len(sym)) * 10.25
}

func (s *Server) quote(w http.ResponseWriter, r *http.Request) {
	sym := r.URL.Query().Get("sym")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	q, ok := s.quotes[sym]
	if !ok || time.Since(q.at) > maxAge {
		q = quote{price: upstreamPrice(sym), at: time.Now()} // every other request waits for this
		s.quotes[sym] = q
	}
	fmt.Fprintf(w, "%s %.2f\n", sym, q.price)
}

func main() {
	s := &Server{quotes: map[string]quote{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /quote", s.quote)
	srv := &http.Server{Handler: mux}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	start := time.Now()
	n := drive("http://"+ln.Addr().String(), 8, 60, 2*time.Second)
	elapsed := time.Since(start)

	if err := srv.Shutdown(context.Background()); err != nil {
		panic(err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		panic(err)
	}
	fmt.Printf("%d requests in %s (%.0f/s)\n", n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
}

// drive runs clients concurrent clients, each asking for up to perClient
// quotes of 32 symbols until the budget of time is spent, and returns how
// many requests were answered.
func drive(base string, clients, perClient int, budget time.Duration) int {
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: budget}
	deadline := time.Now().Add(budget)
	var total atomic.Int64
	var wg sync.WaitGroup
	for id := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perClient && time.Now().Before(deadline); i++ {
				if get(c, fmt.Sprintf("%s/quote?sym=SYM%02d", base, (id*7+i)%32)) {
					total.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return int(total.Load())
}

// get asks for url and reports whether it was answered.
func get(c *http.Client, url string) bool {
	resp, err := c.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK
}
