// Command debug-by-tracing is a session service: GET /session?id=N looks a
// session up in a cache, a refresher expires old sessions and publishes an
// event for each, and an auditor records who owned each expired session.
// Some time after start every request times out. The logs say when, not
// why; lockscope's timeline and the execution trace say why.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// Cache holds the live sessions.
type Cache struct {
	mu       sync.Mutex // guards sessions
	sessions map[int]session
	events   chan int // IDs of expired sessions, for the auditor; unbuffered
}

type session struct {
	owner   string
	created time.Time
}

// Get answers GET /session?id=N.
func (c *Cache) Get(w http.ResponseWriter, r *http.Request) {
	var id int
	fmt.Sscan(r.URL.Query().Get("id"), &id)
	c.mu.Lock()
	s, ok := c.sessions[id]
	c.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	fmt.Fprintln(w, s.owner)
}

// owner returns the owner of session id.
func (c *Cache) owner(id int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessions[id].owner
}

// refresh expires sessions older than maxAge and publishes their IDs.
//
// BUG: it publishes with c.mu held. The send waits for the auditor, and
// the auditor, still busy with the previous event, waits for c.mu.
func (c *Cache) refresh(maxAge time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, s := range c.sessions {
		if time.Since(s.created) > maxAge {
			c.events <- id // waits for the auditor, holding c.mu
			delete(c.sessions, id)
		}
	}
}

// audit logs who owned each expired session.
func (c *Cache) audit(logger *log.Logger) {
	for id := range c.events {
		logger.Printf("audit: session %d of %s expired", id, c.owner(id))
	}
}

func main() {
	logger := log.New(os.Stdout, "", log.Lmicroseconds)
	c := &Cache{sessions: map[int]session{}, events: make(chan int)}
	for id := 0; id < 8; id++ {
		created := time.Now()
		if id%3 == 0 {
			created = created.Add(-time.Hour) // logged in yesterday
		}
		c.sessions[id] = session{owner: fmt.Sprintf("user%d", id), created: created}
	}
	audited := make(chan struct{})
	go func() {
		c.audit(logger)
		close(audited)
	}()
	go func() {
		time.Sleep(30 * time.Millisecond) // the refresher's first tick
		logger.Printf("refresher: expiring sessions older than 30m")
		c.refresh(30 * time.Minute)
		close(c.events)                  // the refresher is the only sender
		logger.Printf("refresher: done") // never logged
	}()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(c.Get)}
	go srv.Serve(ln)
	tr := &http.Transport{}
	client := &http.Client{Transport: tr, Timeout: 100 * time.Millisecond}
	failures := 0
	for i := 0; i < 30 && failures < 3; i++ {
		start := time.Now()
		resp, err := client.Get(fmt.Sprintf("http://%s/session?id=%d", ln.Addr(), i%8))
		if err != nil {
			failures++
			logger.Printf("client: GET session %d: timed out after %s", i%8, time.Since(start).Round(time.Millisecond))
			continue
		}
		resp.Body.Close()
		logger.Printf("client: GET session %d: %s in %s", i%8, resp.Status, time.Since(start).Round(time.Microsecond))
		time.Sleep(10 * time.Millisecond)
	}
	if failures == 3 {
		logger.Printf("client: giving up")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	srv.Shutdown(ctx)
	tr.CloseIdleConnections()
	select {
	case <-audited:
	case <-time.After(50 * time.Millisecond):
		logger.Printf("auditor: still busy at exit")
	}
}
