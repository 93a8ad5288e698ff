package lockrt

import (
	"runtime"
	"testing"
)

// TestConfirmRendezvous checks that a goroutine at a confirm point waits
// there until a second one arrives, and that both then go on; a point
// outside the set does not wait.
func TestConfirmRendezvous(t *testing.T) {
	// Whatever LOCKSCOPE_CONFIRM set is put back: the test runs either way.
	points, need := confirmPoints, confirmNeed
	confirmPoints, confirmNeed = []uint64{5, 9}, 2
	defer func() { confirmPoints, confirmNeed = points, need }()
	if confirmPoint(6) {
		t.Fatal("point 6 is not in the set")
	}
	done := make(chan struct{})
	go func() {
		confirmPoint(5)
		close(done)
	}()
	for confirmWaiting.Load() != 1 {
		runtime.Gosched()
	}
	select {
	case <-done:
		t.Fatal("the first goroutine went on alone")
	default:
	}
	if !confirmPoint(9) {
		t.Fatal("point 9 is in the set")
	}
	<-done
	if n := confirmWaiting.Load(); n != 0 {
		t.Errorf("%d goroutines still counted as waiting", n)
	}
}
