// Command semaphore-leak fetches product pages from a catalogue API with
// at most three requests in flight, using a buffered channel as a counting
// semaphore. The error path returns without giving its permit back: after
// three failures no request can start again.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fetcher is an API client that bounds its requests in flight.
type Fetcher struct {
	base   string
	client *http.Client
	sem    chan struct{} // one token per request in flight; its capacity is the bound
}

// Fetch returns the product page for id.
//
// BUG: the permit is given back only on the success path. A request that
// fails keeps its token for ever; after cap(sem) failures every Fetch
// blocks on its first line.
func (f *Fetcher) Fetch(id int) (string, error) {
	f.sem <- struct{}{} // acquire a permit
	resp, err := f.client.Get(fmt.Sprintf("%s/products/%d", f.base, id))
	if err != nil {
		return "", err // leaks the permit
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("product %d: %s", id, resp.Status) // leaks the permit
	}
	body, err := io.ReadAll(resp.Body)
	<-f.sem // release it
	return strings.TrimSpace(string(body)), err
}

// Stats counts the outcomes of a crawl.
type Stats struct {
	mu              sync.Mutex // guards the counts
	fetched, failed int
}

func (s *Stats) add(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.failed++
	} else {
		s.fetched++
	}
}

// catalogue stands for the product service: every fourth product is on a
// shard that is down.
func catalogue(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/products/")
	var n int
	fmt.Sscan(id, &n)
	if n%4 == 3 {
		http.Error(w, "shard unavailable", http.StatusServiceUnavailable)
		return
	}
	time.Sleep(2 * time.Millisecond)
	fmt.Fprintf(w, "product %d: in stock\n", n)
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(catalogue)}
	go srv.Serve(ln)
	defer srv.Close()

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	f := &Fetcher{base: "http://" + ln.Addr().String(), client: &http.Client{Transport: tr}, sem: make(chan struct{}, 3)}

	// Crawl 24 products, one goroutine each, and wait for them within a
	// deadline.
	const n = 24
	stats := &Stats{}
	done := make(chan struct{}, n)
	for id := 0; id < n; id++ {
		go func(id int) {
			_, err := f.Fetch(id)
			stats.add(err)
			done <- struct{}{}
		}(id)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	finished := 0
wait:
	for finished < n {
		select {
		case <-done:
			finished++
		case <-ctx.Done():
			break wait
		}
	}
	stats.mu.Lock()
	fmt.Printf("%d fetched, %d failed, %d never finished\n", stats.fetched, stats.failed, n-finished)
	stats.mu.Unlock()
}
