// Command worker-panic is a document API: POST /docs stores a document and
// indexes it in a background goroutine. The goroutine is started through
// a wrapper that recovers a panic and turns it into an error, and the
// indexer rejects a malformed document instead of panicking.
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Store keeps documents and a word index of them.
type Store struct {
	mu     sync.Mutex // guards docs, index and failed
	docs   []string
	index  map[string][]int // word -> documents containing it
	failed []error          // background failures, for the operator
	wg     sync.WaitGroup   // background goroutines in flight
}

// handle answers POST /docs.
func (s *Store) handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	id := len(s.docs)
	s.docs = append(s.docs, string(body))
	s.mu.Unlock()
	s.goSafe(func() error { return s.indexDoc(id, string(body)) })
	w.WriteHeader(http.StatusAccepted)
}

// goSafe runs fn in a goroutine of its own. An error, or a panic turned
// into an error with its stack, is recorded instead of ending the process:
// recover works only in the goroutine that panics, so every goroutine that
// may panic needs its own.
func (s *Store) goSafe(fn func() error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
			if err != nil {
				s.mu.Lock()
				s.failed = append(s.failed, err)
				s.mu.Unlock()
			}
		}()
		err = fn()
	}()
}

// indexDoc adds a document's words to the index. A document is
// "title: words...".
func (s *Store) indexDoc(id int, doc string) error {
	_, text, ok := strings.Cut(doc, ":")
	if !ok {
		return errors.New("document " + fmt.Sprint(id) + " has no title")
	}
	words := strings.Fields(text)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range words {
		s.index[w] = append(s.index[w], id)
	}
	return nil
}

func main() {
	s := &Store{index: map[string][]int{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(s.handle)}
	go srv.Serve(ln)
	defer srv.Close()

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: time.Second}
	docs := []string{"go: goroutines and channels", "python: threads and the GIL", "a note without a title",
		"rust: ownership", "java: executors"}
	for _, d := range docs {
		resp, err := c.Post("http://"+ln.Addr().String()+"/docs", "text/plain", strings.NewReader(d))
		if err != nil {
			fmt.Println("post:", err)
			continue
		}
		resp.Body.Close()
		time.Sleep(5 * time.Millisecond) // the next client comes along
	}
	s.wg.Wait()
	s.mu.Lock()
	fmt.Printf("%d documents, %d words indexed, %d failed\n", len(s.docs), len(s.index), len(s.failed))
	for _, err := range s.failed {
		fmt.Println("index:", strings.SplitN(err.Error(), "\n", 2)[0])
	}
	s.mu.Unlock()
}
