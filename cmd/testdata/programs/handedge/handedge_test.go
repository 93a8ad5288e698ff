package handedge

import (
	"sync"
	"testing"
	"time"
)

type S struct{ a, b sync.Mutex }

// a is handed to a helper goroutine that unlocks it later and never takes b.
func TestHandoffThenB(t *testing.T) {
	s := &S{}
	s.a.Lock()
	done := make(chan struct{})
	go func() { time.Sleep(50 * time.Millisecond); s.a.Unlock(); close(done) }()
	s.b.Lock() // this goroutine no longer owns a
	s.b.Unlock()
	<-done
}

func TestBThenA(t *testing.T) {
	s := &S{}
	s.b.Lock()
	s.a.Lock()
	s.a.Unlock()
	s.b.Unlock()
}
