// Command rate-limiter calls a partner's HTTP API from eight concurrent
// clients, through a client-side limiter that spaces requests 4ms apart
// (the partner allows 250 requests a second). The limiter sleeps while
// holding its lock, so every caller queues on the mutex instead of on the
// clock.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limiter lets one request go every interval.
type Limiter struct {
	interval time.Duration

	mu   sync.Mutex // guards next and sent
	next time.Time  // when the next request may go
	sent int
}

// Wait blocks until the caller may send a request.
//
// BUG: it sleeps with l.mu held. The rate is right, but every other caller
// waits on the mutex for the whole sleep, in no particular order, and
// cannot give up when its request is cancelled; Sent, which only reads a
// counter, waits behind all of them.
func (l *Limiter) Wait() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if d := time.Until(l.next); d > 0 {
		time.Sleep(d)
	}
	l.next = time.Now().Add(l.interval)
	l.sent++
}

// Sent returns how many requests the limiter has let through.
func (l *Limiter) Sent() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent
}

func partner(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(partner)}
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 2 * time.Second}
	url := "http://" + ln.Addr().String() + "/orders"

	l := &Limiter{interval: 4 * time.Millisecond}
	start := time.Now()
	var wg sync.WaitGroup
	for client := 0; client < 8; client++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 12; i++ {
				l.Wait()
				if resp, err := c.Get(url); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%d requests in %s\n", l.Sent(), time.Since(start).Round(time.Millisecond))
}
