//go:build unix

package lockrt_test

import (
	"syscall"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/lockrt"
)

func TestSnapshotOnSignal(t *testing.T) {
	goidModes(t, func(t *testing.T, rec *lockrt.Rec) {
		snapped := make(chan struct{}, 1)
		stop := rec.NotifySignal(func() { snapped <- struct{}{} })
		defer stop()
		var m lockrt.Mutex
		locked, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
		go func() {
			m.LockAt(lockrt.Pack(1, 1))
			close(locked)
			<-release
			m.Unlock()
		}()
		<-locked
		go func() {
			m.LockAt(lockrt.Pack(1, 2))
			m.Unlock()
			close(done)
		}()
		rec.WaitFor(1)
		if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
			t.Fatal(err)
		}
		<-snapped
		close(release)
		<-done
		snaps := kindOf(rec.Events(t), event.KindSnapshot)
		if len(snaps) != 1 || snaps[0].Reason != "signal" {
			t.Fatalf("want one signal snapshot, got %+v", snaps)
		}
		checkHolderWaiter(t, snaps[0])
	})
}
