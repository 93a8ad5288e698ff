package bank

import (
	"sync"
	"testing"
)

// TestTransfersOverlap runs two opposite transfers at once, the second
// after a little work: they can deadlock, and almost never do.
func TestTransfersOverlap(t *testing.T) {
	a, b := &Account{balance: 100}, &Account{balance: 100}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); Transfer(a, b, 10) }()
	go func() { defer wg.Done(); work(); Transfer(b, a, 20) }()
	wg.Wait()
}

// work stands for validating a request: about a millisecond.
func work() int {
	s := 0
	for i := 0; i < 1_000_000; i++ {
		s += i % 7
	}
	return s
}

// TestTransfersInTurn runs them one after the other: the order is
// inverted all the same, but they cannot deadlock here.
func TestTransfersInTurn(t *testing.T) {
	a, b := &Account{balance: 100}, &Account{balance: 100}
	Transfer(a, b, 10)
	Transfer(b, a, 20)
}
