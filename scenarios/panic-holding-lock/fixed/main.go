// Command panic-holding-lock serves logins: a handler checks a user's
// credentials and opens a session, behind a middleware that turns a
// handler's panic into a 500 response, as HTTP servers do.
package main

import (
	"fmt"
	"strings"
	"sync"
)

// Request is an incoming request: what these handlers read of one.
type Request struct {
	Path   string
	Header map[string]string
}

// Response is what a handler writes back.
type Response struct {
	Status int
	Body   string
}

// Handler serves one request.
type Handler func(w *Response, r *Request)

// Sessions is the server's table of logged-in users.
type Sessions struct {
	mu    sync.Mutex        // guards users
	users map[string]string // session token -> user name
}

// login opens a session for the "user:password" in the Authorization
// header.
//
// The deferred Unlock right after Lock runs on every way out of login:
// each return and also a panic, which unwinds through the deferred calls
// before the middleware recovers. A header without a ':' still makes
// creds[1] panic, and the client still gets a 500, but s.mu is free again.
func (s *Sessions) login(w *Response, r *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	creds := strings.SplitN(r.Header["Authorization"], ":", 2)
	user, password := creds[0], creds[1]
	if password != "secret" {
		w.Status, w.Body = 401, "wrong password"
		return
	}
	token := fmt.Sprintf("session-%d", len(s.users)+1)
	s.users[token] = user
	w.Status, w.Body = 200, token
}

// recoverPanics turns a panic in h into a 500 response, so that one bad
// request does not crash the whole server.
func recoverPanics(h Handler) Handler {
	return func(w *Response, r *Request) {
		defer func() {
			if err := recover(); err != nil {
				w.Status, w.Body = 500, fmt.Sprint("internal error: ", err)
			}
		}()
		h(w, r)
	}
}

// serve handles r in a goroutine of its own, as net/http does, and
// returns the response.
func serve(h Handler, r *Request) *Response {
	w := &Response{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h(w, r)
	}()
	<-done
	return w
}

func main() {
	sessions := &Sessions{users: make(map[string]string)}
	login := recoverPanics(sessions.login)

	// A client sends a malformed Authorization header. The server answers
	// 500 and carries on, and s.mu is unlocked: the next login would be
	// served. The program stops here, as the buggy variant does.
	w := serve(login, &Request{Path: "/login", Header: map[string]string{"Authorization": "alice"}})
	fmt.Println(w.Status, w.Body)
}
