// Command graceful-shutdown runs an event-ingest API: handlers queue events
// and a pool of workers stores them. At shutdown it stops accepting, closes
// the queue so the workers drain it and return, and waits for them, within
// a deadline.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Ingest accepts events over HTTP and stores them in the background.
type Ingest struct {
	queue   chan string    // accepted events, waiting for a worker; closed at shutdown
	workers sync.WaitGroup // one per running worker

	mu     sync.Mutex // guards stored
	stored []string
}

// handle answers POST /events: it queues the body and returns 202 at once.
func (in *Ingest) handle(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	buf := make([]byte, 512)
	n, _ := r.Body.Read(buf)
	b.Write(buf[:n])
	in.queue <- b.String()
	w.WriteHeader(http.StatusAccepted)
}

// worker stores queued events until the queue is closed and empty.
func (in *Ingest) worker() {
	defer in.workers.Done()
	for ev := range in.queue {
		time.Sleep(time.Millisecond) // the database write
		in.mu.Lock()
		in.stored = append(in.stored, ev)
		in.mu.Unlock()
	}
}

// start starts n workers.
func (in *Ingest) start(n int) {
	for i := 0; i < n; i++ {
		in.workers.Add(1)
		go in.worker()
	}
}

// stop closes the queue and waits for the workers to drain it, or for ctx
// to end, whichever comes first. Only call it once no handler can queue.
func (in *Ingest) stop(ctx context.Context) error {
	close(in.queue)
	done := make(chan struct{})
	go func() {
		in.workers.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("workers still draining: %w", ctx.Err())
	}
}

func main() {
	in := &Ingest{queue: make(chan string, 64)}
	in.start(4)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(in.handle)}
	go srv.Serve(ln)

	accepted := send("http://"+ln.Addr().String()+"/events", 200)

	// SIGTERM arrives (a real server would use signal.NotifyContext). One
	// deadline covers the whole shutdown: first stop accepting and let the
	// handlers in flight finish, then drain the queue.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		panic(err)
	}
	if err := in.stop(ctx); err != nil {
		panic(err)
	}
	in.mu.Lock()
	fmt.Printf("accepted %d events, stored %d\n", accepted, len(in.stored))
	in.mu.Unlock()
}

// send posts n events from 8 concurrent clients and returns how many were
// accepted.
func send(url string, n int) int {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 2 * time.Second}
	var mu sync.Mutex // guards accepted
	accepted := 0
	var wg sync.WaitGroup
	for client := 0; client < 8; client++ {
		wg.Add(1)
		go func(client int) {
			defer wg.Done()
			for i := client; i < n; i += 8 {
				resp, err := c.Post(url, "text/plain", strings.NewReader(fmt.Sprintf("event-%d", i)))
				if err != nil {
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusAccepted {
					mu.Lock()
					accepted++
					mu.Unlock()
				}
			}
		}(client)
	}
	wg.Wait()
	return accepted
}
