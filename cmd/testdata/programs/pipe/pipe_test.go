package pipe

import (
	"testing"
	"time"
)

func TestFetchTimeout(t *testing.T) {
	if _, ok := Fetch(time.Millisecond); ok {
		t.Log("fast worker")
	}
	time.Sleep(50 * time.Millisecond)
}

func TestFlushWhileDraining(t *testing.T) {
	b := &Buffer{pending: []int{1, 2, 3}, out: make(chan int, 1)}
	go b.Flush()
	time.Sleep(20 * time.Millisecond) // Flush now waits on its second send, holding b.mu
	b.Drain()
}
