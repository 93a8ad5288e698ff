package lockrt_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/lockrt"
)

// recordingModes runs f with recording off, and on in both goid modes.
func recordingModes(t *testing.T, f func(t *testing.T)) {
	t.Run("off", f)
	goidModes(t, func(t *testing.T, _ *lockrt.Rec) { f(t) })
}

func TestSemantics(t *testing.T) {
	recordingModes(t, func(t *testing.T) {
		var m lockrt.Mutex
		var rw lockrt.RWMutex
		var _ sync.Locker = &m
		var _ sync.Locker = &rw
		if !m.TryLock() || m.TryLock() {
			t.Fatal("TryLock results wrong")
		}
		m.Unlock()
		rw.RLock()
		if !rw.TryRLock() || rw.TryLock() {
			t.Fatal("TryRLock/TryLock results wrong under a reader")
		}
		rw.RUnlock()
		rw.RUnlock()
		if !rw.TryLock() || rw.TryRLock() || rw.TryLock() {
			t.Fatal("TryLock results wrong under a writer")
		}
		rw.Unlock()
		// Mutual exclusion under load.
		var wg sync.WaitGroup
		n, k := 0, 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 500; j++ {
					m.Lock()
					n++
					m.Unlock()
					rw.Lock()
					k++
					rw.Unlock()
					rw.RLock()
					_ = k
					rw.RUnlock()
				}
			}()
		}
		wg.Wait()
		if n != 4000 || k != 4000 {
			t.Fatalf("n, k = %d, %d, want 4000", n, k)
		}
	})
}

func TestCond(t *testing.T) {
	recordingModes(t, func(t *testing.T) {
		var m lockrt.Mutex
		var rw lockrt.RWMutex
		for _, l := range []sync.Locker{&m, rw.RLocker()} {
			c := sync.NewCond(l)
			ready := false
			var mu sync.Mutex // guards ready for the writer, which never takes l
			done := make(chan struct{})
			go func() {
				l.Lock()
				for {
					mu.Lock()
					r := ready
					mu.Unlock()
					if r {
						break
					}
					c.Wait()
				}
				l.Unlock()
				close(done)
			}()
			mu.Lock()
			ready = true
			mu.Unlock()
		loop:
			for {
				select {
				case <-done:
					break loop
				default:
					c.Broadcast()
				}
			}
		}
		if !m.TryLock() || !rw.TryLock() {
			t.Fatal("locks still held after the Cond waits")
		}
	})
}

func TestDynamicSitesSkipSync(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var a lockrt.Mutex
	var b lockrt.Mutex
	c := sync.NewCond(&a)
	a.Lock()
	b.Lock() // a dynamic site in this test: an edge a->b
	b.Unlock()
	done := make(chan struct{})
	go func() {
		a.Lock()
		c.Signal()
		a.Unlock()
		close(done)
	}()
	c.Wait()
	a.Unlock()
	<-done
	sites := kindOf(rec.Events(t), event.KindSite)
	if len(sites) < 3 {
		t.Fatalf("want dynamic sites for a.Lock, b.Lock and Wait's relock, got %+v", sites)
	}
	for _, s := range sites {
		if s.Site >= 0 || s.Frame == nil || !strings.Contains(s.Frame.Func, "TestDynamicSitesSkipSync") {
			t.Errorf("site %d at %+v: want a negative ID in the test", s.Site, s.Frame)
		}
	}
	es := kindOf(rec.Events(t), event.KindEdge)
	if len(es) != 1 || es[0].Held[0].Class >= 0 || es[0].Acq.Class >= 0 || es[0].Held[0].Class == es[0].Acq.Class {
		t.Errorf("want one edge between two dynamic classes, got %+v", es)
	}
}

func TestCrossGoroutineUnlock(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var m lockrt.Mutex
	var rw lockrt.RWMutex
	m.LockAt(lockrt.Pack(1, 1))
	rw.RLockAt(lockrt.Pack(2, 2))
	inGoroutine(func() {
		m.Unlock()
		rw.RUnlock()
	})
	inGoroutine(func() { m.LockAt(lockrt.Pack(1, 3)) })
	m.Unlock()
	rec.Finish()
	evs := rec.Events(t)
	if us := kindOf(evs, event.KindUnlockOfUnlocked); len(us) != 0 {
		t.Errorf("legal cross-goroutine unlocks reported: %+v", us)
	}
	snaps := kindOf(evs, event.KindSnapshot)
	if len(snaps) != 1 || len(snaps[0].Goroutines) != 0 {
		t.Errorf("nothing should be held at the end: %+v", snaps)
	}
}

func TestHeldDepthOverflow(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	ms := make([]lockrt.Mutex, 20)
	for round := 0; round < 2; round++ {
		for i := range ms {
			ms[i].LockAt(lockrt.Pack(int32(i+1), int32(i+1)))
		}
		for i := len(ms) - 1; i >= 0; i-- {
			ms[i].Unlock()
		}
	}
	var extra lockrt.Mutex
	extra.LockAt(lockrt.Pack(50, 50))
	ms[0].LockAt(lockrt.Pack(1, 1)) // a new chain: the list works again
	ms[0].Unlock()
	extra.Unlock()
	rec.Finish()
	evs := rec.Events(t)
	ov := kindOf(evs, event.KindOverflow)
	if len(ov) != 1 || ov[0].Reason != "held-depth" {
		t.Errorf("want one held-depth overflow, got %+v", ov)
	}
	es := kindOf(evs, event.KindEdge)
	if last := es[len(es)-1]; len(last.Held) != 1 || last.Held[0].Class != 50 {
		t.Errorf("after the overflow the held list should be [extra], got %+v", last.Held)
	}
	if snaps := kindOf(evs, event.KindSnapshot); len(snaps[0].Goroutines) != 0 {
		t.Errorf("nothing should be held at the end: %+v", snaps[0].Goroutines)
	}
}
