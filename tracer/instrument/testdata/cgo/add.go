// Package cgo calls C under a Go lock.
package cgo

/*
static int add(int a, int b) { return a + b; }
*/
import "C"

import "sync"

// Adder adds in C, one call at a time.
type Adder struct {
	mu    sync.Mutex
	calls int
}

// Add returns a+b computed by C.
func (a *Adder) Add(x, y int) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls++
	return int(C.add(C.int(x), C.int(y)))
}
