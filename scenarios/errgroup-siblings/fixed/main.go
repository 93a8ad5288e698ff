// Command errgroup-siblings is a search front end: each query fans out to
// four backend shards over HTTP and merges their hits. The shards run in a
// Group, like golang.org/x/sync/errgroup: the first error cancels the
// others' requests through the group's context, and the query returns only
// when all of them have.
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

// Search queries the shards of a search backend.
type Search struct {
	base   string
	client *http.Client
	shards int

	mu      sync.Mutex // guards queries
	queries int
}

// shard asks one shard for q's hits; the request ends when ctx does.
func (s *Search) shard(ctx context.Context, i int, q string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/shard/%d?q=%s", s.base, i, q), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
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
// error once every shard's goroutine has returned.
func (s *Search) Query(ctx context.Context, q string) ([]string, error) {
	s.mu.Lock()
	s.queries++
	s.mu.Unlock()
	g, ctx := WithContext(ctx)
	hits := make([][]string, s.shards) // each goroutine writes its own element
	for i := 0; i < s.shards; i++ {
		i := i
		g.Go(func() error {
			h, err := s.shard(ctx, i, q)
			hits[i] = h
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var all []string
	for _, h := range hits {
		all = append(all, h...)
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
		hits, err := s.Query(context.Background(), q)
		fmt.Printf("%s: %d hits, error %v\n", q, len(hits), err)
	}
}
