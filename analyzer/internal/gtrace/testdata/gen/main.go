//go:build ignore

// Command gen writes mixed.trace, the captured trace that gtrace's tests
// and fuzz seed read: a flight recorder window with a leaked sender, a
// goroutine parked in WaitGroup.Wait forever, and a sender blocked on a
// full channel under a lock, unblocked by a goroutine that logged a
// contended wait for that lock (as lockscope's runtime does).
//
//	go run gen/main.go [-o mixed.trace]   (from analyzer/internal/gtrace/testdata)
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

var mu sync.Mutex

// leak starts a sender nobody receives from.
func leak() {
	ch := make(chan int)
	go func() { ch <- 1 }()
}

// barrier parks a goroutine in Wait with one Done missing.
func barrier() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { wg.Wait() }()
	wg.Done()
}

// consume sends on a full channel while holding mu.
func consume(ch chan<- int) {
	for i := 0; i < 3; i++ {
		mu.Lock()
		ch <- i
		mu.Unlock()
	}
}

func main() {
	out := flag.String("o", "mixed.trace", "output file")
	flag.Parse()
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 10 * time.Second, MaxBytes: 32 << 20})
	if err := fr.Start(); err != nil {
		log.Fatal(err)
	}
	leak()
	barrier()
	ch := make(chan int, 1)
	go consume(ch)
	for i := 0; i < 3; i++ {
		time.Sleep(5 * time.Millisecond)
		<-ch
		trace.Log(context.Background(), "lockscope.lock", "1 1 w")
	}
	time.Sleep(20 * time.Millisecond)
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := fr.WriteTo(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
