// Package explore is a corpus of interleaving-dependent bugs, each a
// check and an act split by an Unlock, that plain runs almost never show
// and that lockscope's --explore finds.
package explore

import (
	"sync"
)

// Registry hands out one session per user.
type Registry struct {
	mu       sync.Mutex
	sessions map[string]int
	created  int
}

// Session returns the user's session, creating it on first use.
//
// BUG: the check and the insert are two critical sections; two first
// calls for one user can both see no session and both create one.
func (r *Registry) Session(user string) int {
	r.mu.Lock()
	id, ok := r.sessions[user]
	r.mu.Unlock()
	if ok {
		return id
	}
	r.mu.Lock()
	r.created++
	id = r.created
	r.sessions[user] = id
	r.mu.Unlock()
	return id
}

// Conn is closed once, by whoever gets there first.
type Conn struct {
	mu     sync.Mutex
	closed bool
	done   chan struct{}
}

// Close closes the connection.
//
// BUG: it reads closed under the lock and closes the channel after
// setting it in a second critical section; two Closes can both see
// closed == false: "panic: close of closed channel".
func (c *Conn) Close() {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	close(c.done)
}

// Counter counts events in batches.
type Counter struct {
	mu sync.Mutex
	n  int
}

// Add adds d.
//
// BUG: read, then write in a second critical section: a lost update when
// two Adds interleave.
func (c *Counter) Add(d int) {
	c.mu.Lock()
	n := c.n
	c.mu.Unlock()
	c.mu.Lock()
	c.n = n + d
	c.mu.Unlock()
}
