// Command lockedsend hangs for good: Put sends on an unbuffered channel
// holding Box.mu, and Take, the only receiver, first waits for Box.mu.
package main

import "sync"

type Box struct {
	mu     sync.Mutex
	ch     chan int
	locked chan bool
}

func (b *Box) Put(v int) {
	b.mu.Lock()
	b.locked <- true
	b.ch <- v
	b.mu.Unlock()
}

func (b *Box) Take() int {
	b.mu.Lock()
	b.mu.Unlock()
	return <-b.ch
}

func main() {
	b := &Box{ch: make(chan int), locked: make(chan bool)}
	done := make(chan bool)
	go func() { b.Put(1); done <- true }()
	<-b.locked // Put holds b.mu
	go func() { b.Take(); done <- true }()
	<-done
	<-done
}
