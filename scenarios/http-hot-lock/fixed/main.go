// Command http-hot-lock serves stock quotes over HTTP from a cache, and
// drives the server with concurrent clients. The cache is split into
// shards, each behind its own RWMutex that readers share, and a stale quote
// is refreshed from the upstream pricing service with no lock held.
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

// shards is how many locks the cache is split into.
const shards = 16

// shard is one part of the cache.
type shard struct {
	mu     sync.RWMutex // guards quotes; never held across the upstream call
	quotes map[string]quote
}

// Server answers GET /quote?sym=X.
type Server struct {
	shards   [shards]shard
	requests atomic.Int64
}

func newServer() *Server {
	s := &Server{}
	for i := range s.shards {
		s.shards[i].quotes = map[string]quote{}
	}
	return s
}

// shardOf returns the shard that holds sym (FNV-1a).
func (s *Server) shardOf(sym string) *shard {
	h := uint32(2166136261)
	for i := 0; i < len(sym); i++ {
		h = (h ^ uint32(sym[i])) * 16777619
	}
	return &s.shards[h%shards]
}

// upstreamPrice stands for the call to the pricing service: a 2ms round
// trip on a good day.
func upstreamPrice(sym string) float64 {
	time.Sleep(2 * time.Millisecond)
	return float64(len(sym)) * 10.25
}

func (s *Server) quote(w http.ResponseWriter, r *http.Request) {
	sym := r.URL.Query().Get("sym")
	s.requests.Add(1)
	sh := s.shardOf(sym)
	sh.mu.RLock()
	q, ok := sh.quotes[sym]
	sh.mu.RUnlock()
	if !ok || time.Since(q.at) > maxAge {
		q = quote{price: upstreamPrice(sym), at: time.Now()} // no lock held: others go on
		sh.mu.Lock()
		sh.quotes[sym] = q
		sh.mu.Unlock()
	}
	fmt.Fprintf(w, "%s %.2f\n", sym, q.price)
}

func main() {
	s := newServer()
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
