// Command global-cache-race serves a small product API whose handlers
// share a package-level cache without a lock.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// names caches product names by ID. Every handler goroutine reads and
// writes it, and nothing guards it: the bug.
var names = map[string]string{}

// lookup is the slow path, such as a database query: 5 to 20ms.
func lookup(id string) string {
	n, _ := strconv.Atoi(id)
	time.Sleep(time.Duration(n%4+1) * 5 * time.Millisecond)
	return "product " + id
}

// getProduct answers GET /product?id=ID from the cache, filling it on a miss.
func getProduct(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	name, ok := names[id]
	if !ok {
		name = lookup(id)
		names[id] = name
	}
	fmt.Fprintln(w, name)
}

// renameProduct answers PUT /product?id=ID with the new name as the body.
func renameProduct(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	names[r.URL.Query().Get("id")] = strings.TrimSpace(string(body))
	w.WriteHeader(http.StatusNoContent)
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /product", getProduct)
	mux.HandleFunc("PUT /product", renameProduct)
	srv := httptest.NewServer(mux) // a real server on 127.0.0.1, a port of its own
	defer srv.Close()

	// Four clients at once, as in production: each request is served on
	// its own goroutine.
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2; i++ {
				id := fmt.Sprint(c + i)
				get(srv.URL + "/product?id=" + id)
				put(srv.URL+"/product?id="+id, fmt.Sprintf("renamed by client %d", c))
			}
		}()
	}
	wg.Wait()
	fmt.Print(get(srv.URL + "/product?id=0"))
	http.DefaultClient.CloseIdleConnections()
}

func get(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func put(url, name string) {
	req, _ := http.NewRequest(http.MethodPut, url, strings.NewReader(name))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
}
