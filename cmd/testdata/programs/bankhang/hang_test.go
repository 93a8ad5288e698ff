package bank

import "testing"

// TestDeadlock really deadlocks: each goroutine takes its first lock, then
// waits for the other's.
func TestDeadlock(t *testing.T) {
	a, b := &Account{ID: 1}, &Account{ID: 2}
	l := &Ledger{}
	ready := make(chan bool)
	go func() {
		a.mu.Lock()
		ready <- true
		<-ready
		Transfer(l, b, a, 1) // blocks: a.mu held by this goroutine, b.mu by the test
	}()
	<-ready
	b.mu.Lock()
	ready <- true
	a.mu.Lock()
}
