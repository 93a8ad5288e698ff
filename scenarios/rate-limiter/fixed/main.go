// Command rate-limiter calls a partner's HTTP API from eight concurrent
// clients, through a client-side limiter that spaces requests 4ms apart
// (the partner allows 250 requests a second). The limiter hands out
// reservations: under its lock it only books the caller's slot, and the
// caller sleeps until then without the lock, cancellable by its context.
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

	mu   sync.Mutex // guards next and sent; never held while waiting
	next time.Time  // the first free slot
	sent int
}

// Wait blocks until the caller may send a request, or until ctx ends.
func (l *Limiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	at := time.Now()
	if at.Before(l.next) {
		at = l.next
	}
	l.next = at.Add(l.interval) // book the slot
	l.sent++
	l.mu.Unlock()

	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err() // the slot stays booked and goes unused: the rate is never exceeded
	}
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

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	l := &Limiter{interval: 4 * time.Millisecond}
	start := time.Now()
	var wg sync.WaitGroup
	for client := 0; client < 8; client++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 12; i++ {
				if err := l.Wait(ctx); err != nil {
					return
				}
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
