package pipeline

import (
	"testing"
	"time"
)

// TestProgress reads each value and then the count so far. The first
// Emit blocks under the lock until the reader starts; later ones come 20ms
// apart and find the reader waiting. A reader that took the lock while an
// Emit held it, blocked on its send, would deadlock: it almost never
// happens.
func TestProgress(t *testing.T) {
	s := &Stage{Out: make(chan int)}
	go func() {
		for i := 0; i < 3; i++ {
			s.Emit(i)
			time.Sleep(20 * time.Millisecond) // the next value takes a while
		}
	}()
	time.Sleep(5 * time.Millisecond) // the reader starts late
	for i := 0; i < 3; i++ {
		<-s.Out
		s.mu.Lock()
		n := s.n
		s.mu.Unlock()
		if n < i+1 {
			t.Fatalf("count %d after %d values", n, i+1)
		}
	}
}
