// Command debug-by-tracing is a session service: GET /session?id=N looks a
// session up in a cache, a refresher expires old sessions and publishes an
// event for each, and an auditor records who owned each expired session.
// The refresher publishes its events after it has released the cache's
// lock, so the auditor can look the owners up.
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
	events   chan expired // expired sessions, for the auditor; unbuffered
}

// expired is an expired session, as the auditor sees it.
type expired struct {
	id    int
	owner string
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

// refresh expires sessions older than maxAge and publishes them. It holds
// c.mu only to find and delete them; the sends, which wait for the
// auditor, happen after it is released, and carry the owner, so the
// auditor need not come back for the lock.
func (c *Cache) refresh(maxAge time.Duration) {
	c.mu.Lock()
	var gone []expired
	for id, s := range c.sessions {
		if time.Since(s.created) > maxAge {
			gone = append(gone, expired{id, s.owner})
			delete(c.sessions, id)
		}
	}
	c.mu.Unlock()
	for _, e := range gone {
		c.events <- e
	}
}

// audit logs who owned each expired session.
func (c *Cache) audit(logger *log.Logger) {
	for e := range c.events {
		logger.Printf("audit: session %d of %s expired", e.id, e.owner)
	}
}

func main() {
	logger := log.New(os.Stdout, "", log.Lmicroseconds)
	c := &Cache{sessions: map[int]session{}, events: make(chan expired)}
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
		close(c.events) // the refresher is the only sender
		logger.Printf("refresher: done")
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
