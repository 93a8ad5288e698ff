// Command errgroup-siblings is a search front end: each query fans out to
// four backend shards over HTTP and merges their hits. It returns the first
// shard error at once, the way an error group propagates it, but leaves the
// other shards' goroutines running, with nobody left to receive their
// results.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Search queries the shards of a search backend.
type Search struct {
	base   string
	client *http.Client
	shards int

	mu      sync.Mutex // guards queries
	queries int
}

// shard asks one shard for q's hits.
func (s *Search) shard(i int, q string) ([]string, error) {
	resp, err := s.client.Get(fmt.Sprintf("%s/shard/%d?q=%s", s.base, i, q))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("shard %d: %s", i, resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	return strings.Fields(string(b)), err
}

// Query asks every shard at once and merges the hits, or returns the first
// error.
//
// BUG: on the first error it returns, and nothing stops the other shards'
// goroutines or reads their results. Each one finishes its request, then
// blocks for ever sending on results.
func (s *Search) Query(q string) ([]string, error) {
	s.mu.Lock()
	s.queries++
	s.mu.Unlock()
	results := make(chan []string)
	errs := make(chan error, s.shards)
	for i := 0; i < s.shards; i++ {
		go func(i int) {
			hits, err := s.shard(i, q)
			if err != nil {
				errs <- err
				return
			}
			results <- hits
		}(i)
	}
	var all []string
	for i := 0; i < s.shards; i++ {
		select {
		case hits := <-results:
			all = append(all, hits...)
		case err := <-errs:
			return nil, err // the first error wins; the siblings are forgotten
		}
	}
	return all, nil
}

// backend stands for the search cluster: shard 2 is overloaded and sheds
// every other query at once; the shards take 15ms to answer.
type backend struct {
	mu   sync.Mutex // guards shed
	shed bool
}

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/2") {
		b.mu.Lock()
		b.shed = !b.shed
		shed := b.shed
		b.mu.Unlock()
		if shed {
			http.Error(w, "shard 2 overloaded", http.StatusServiceUnavailable)
			return
		}
	}
	time.Sleep(15 * time.Millisecond)
	fmt.Fprintf(w, "%s-hit-%s", r.URL.Query().Get("q"), r.URL.Path[len("/shard/"):])
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: &backend{}}
	go srv.Serve(ln)
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()

	s := &Search{base: "http://" + ln.Addr().String(), client: &http.Client{Transport: tr, Timeout: time.Second}, shards: 4}
	for _, q := range []string{"mutex", "channel", "select", "deadlock", "context", "waitgroup", "semaphore", "errgroup"} {
		hits, err := s.Query(q)
		fmt.Printf("%s: %d hits, error %v\n", q, len(hits), err)
	}
}
