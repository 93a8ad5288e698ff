// Command semaphore-leak fetches product pages from a catalogue API with
// at most three requests in flight, using a buffered channel as a counting
// semaphore. A deferred release right after the acquire gives the permit
// back on every path, and the acquire gives up when the context ends.
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

// Fetch returns the product page for id. It waits for a permit at most
// until ctx ends.
func (f *Fetcher) Fetch(ctx context.Context, id int) (string, error) {
	select {
	case f.sem <- struct{}{}: // acquire a permit
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-f.sem }() // and give it back, whatever happens below

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/products/%d", f.base, id), nil)
	if err != nil {
		return "", err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("product %d: %s", id, resp.Status)
	}
	body, err := io.ReadAll(resp.Body)
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

	// Crawl 24 products, one goroutine each, and wait for all of them: the
	// deadline now reaches into every Fetch, so none can outlive it.
	const n = 24
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	stats := &Stats{}
	var wg sync.WaitGroup
	for id := 0; id < n; id++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			_, err := f.Fetch(ctx, id)
			stats.add(err)
		}(id)
	}
	wg.Wait()
	stats.mu.Lock()
	fmt.Printf("%d fetched, %d failed\n", stats.fetched, stats.failed)
	stats.mu.Unlock()
}
