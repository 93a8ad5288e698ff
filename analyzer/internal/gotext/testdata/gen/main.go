//go:build ignore

// Command gen writes testdata/dump.txt: a real goroutine dump of a program
// with goroutines blocked on a mutex, a channel, a select, a WaitGroup and
// a sleep. Run from analyzer/internal/gotext: go run testdata/gen/main.go
package main

import (
	"log"
	"os"
	"runtime"
	"sync"
	"time"
)

type account struct{ mu sync.Mutex }

func (a *account) lockForever(started chan<- struct{}) {
	started <- struct{}{}
	a.mu.Lock()
}

func main() {
	var a account
	a.mu.Lock()
	started := make(chan struct{})
	go a.lockForever(started)
	<-started
	ch := make(chan int)
	go func() { started <- struct{}{}; <-ch }()
	<-started
	go func() { started <- struct{}{}; select {} }()
	<-started
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { started <- struct{}{}; wg.Wait() }()
	<-started
	go func() { started <- struct{}{}; time.Sleep(time.Hour) }()
	<-started
	time.Sleep(100 * time.Millisecond) // let the goroutines park; only the dump's content depends on it
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	if err := os.WriteFile("testdata/dump.txt", buf[:n], 0o644); err != nil {
		log.Fatal(err)
	}
}
