// Command worker-panic is a document API: POST /docs stores a document and
// indexes it in a background goroutine. One malformed document makes the
// indexer panic, and a panic in any goroutine ends the whole process: the
// server dies with requests in flight.
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

// Store keeps documents and a word index of them.
type Store struct {
	mu    sync.Mutex // guards docs and index
	docs  []string
	index map[string][]int // word -> documents containing it
}

// handle answers POST /docs. net/http recovers a panic in a handler (it
// logs it and drops that one connection), but not in a goroutine the
// handler starts.
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
	// BUG: a panic in this goroutine is nobody's to recover. It kills
	// the process.
	go s.indexDoc(id, string(body))
	w.WriteHeader(http.StatusAccepted)
}

// indexDoc adds a document's words to the index. A document is
// "title: words...".
func (s *Store) indexDoc(id int, doc string) {
	parts := strings.SplitN(doc, ":", 2)
	words := strings.Fields(parts[1]) // panics on a document with no ':'
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range words {
		s.index[w] = append(s.index[w], id)
	}
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
	s.mu.Lock()
	fmt.Printf("%d documents, %d words indexed\n", len(s.docs), len(s.index))
	s.mu.Unlock()
}
