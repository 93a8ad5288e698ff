// Command global-cache-race serves a small product API; the fixed
// variant's handlers are methods of a catalog that owns its cache and the
// lock that guards it.
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

// Catalog serves products. It owns its cache: no package-level state.
type Catalog struct {
	mu    sync.RWMutex      // guards names
	names map[string]string // product names by ID
}

// NewCatalog returns a catalog with an empty cache.
func NewCatalog() *Catalog { return &Catalog{names: map[string]string{}} }

// lookup is the slow path, such as a database query: 5 to 20ms.
func lookup(id string) string {
	n, _ := strconv.Atoi(id)
	time.Sleep(time.Duration(n%4+1) * 5 * time.Millisecond)
	return "product " + id
}

// name returns the cached name of id, filling the cache on a miss.
func (c *Catalog) name(id string) string {
	c.mu.RLock()
	name, ok := c.names[id]
	c.mu.RUnlock()
	if ok {
		return name
	}
	name = lookup(id) // slow: not under the lock
	c.mu.Lock()
	defer c.mu.Unlock()
	if cached, ok := c.names[id]; ok {
		return cached // another request filled it meanwhile
	}
	c.names[id] = name
	return name
}

// getProduct answers GET /product?id=ID.
func (c *Catalog) getProduct(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, c.name(r.URL.Query().Get("id")))
}

// renameProduct answers PUT /product?id=ID with the new name as the body.
func (c *Catalog) renameProduct(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.names[r.URL.Query().Get("id")] = strings.TrimSpace(string(body))
	c.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func main() {
	catalog := NewCatalog()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /product", catalog.getProduct)
	mux.HandleFunc("PUT /product", catalog.renameProduct)
	srv := httptest.NewServer(mux)
	defer srv.Close()

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
