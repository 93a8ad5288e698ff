// Command graceful-shutdown runs an event-ingest API: handlers queue events
// and a pool of workers stores them. At shutdown it stops the HTTP server
// and sleeps a while, never telling the workers to stop: they are still
// parked on the queue when the process ends, and any event still queued
// then is lost.
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
	queue chan string // accepted events, waiting for a worker

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

// worker stores queued events.
//
// BUG: it has no way to stop. It loops on the queue forever; nothing
// closes the queue or cancels it, and nobody waits for it to finish.
func (in *Ingest) worker() {
	for {
		ev := <-in.queue
		time.Sleep(time.Millisecond) // the database write
		in.mu.Lock()
		in.stored = append(in.stored, ev)
		in.mu.Unlock()
	}
}

func main() {
	in := &Ingest{queue: make(chan string, 64)}
	for i := 0; i < 4; i++ {
		go in.worker()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(in.handle)}
	go srv.Serve(ln)

	accepted := send("http://"+ln.Addr().String()+"/events", 200)

	// SIGTERM arrives (a real server would use signal.NotifyContext).
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		panic(err)
	}
	// BUG: a guess at how long the workers need, instead of telling them
	// to stop and waiting until they have. Then the process ends under
	// their feet.
	time.Sleep(250 * time.Millisecond)
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
