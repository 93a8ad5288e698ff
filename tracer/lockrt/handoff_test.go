package lockrt_test

import (
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/lockrt"
)

// Locks released by another goroutine than the one that acquired them,
// which Go allows.

// TestHandoffNotDoubleLock: a Lock of an instance that the goroutine's held
// list still holds, because another goroutine will unlock it, waits like Go
// does: no double lock, no exit. The modes are the repros of
// docs/real-world.md problem 1 and the same with the unlocking goroutine
// woken by a timer channel or started by a timer, once the test goroutine
// is parked (the timers' delays are what those two modes test, not an
// ordering).
func TestHandoffNotDoubleLock(t *testing.T) {
	switch os.Getenv(childEnv) {
	case "mutex":
		var mu lockrt.Mutex
		mu.LockAt(lockrt.Pack(1, 1))
		go afterParked("sync.Mutex.Lock", mu.Unlock)
		mu.LockAt(lockrt.Pack(1, 2))
		mu.Unlock()
		return
	case "rwmutex":
		var mu lockrt.RWMutex
		mu.RLockAt(lockrt.Pack(1, 1))
		go afterParked("sync.RWMutex.Lock", mu.RUnlock)
		mu.LockAt(lockrt.Pack(1, 2))
		mu.Unlock()
		return
	case "timer-channel":
		var mu lockrt.Mutex
		mu.LockAt(lockrt.Pack(1, 1))
		go afterParked("sync.Mutex.Lock", func() { <-time.After(300 * time.Millisecond); mu.Unlock() })
		mu.LockAt(lockrt.Pack(1, 2))
		mu.Unlock()
		return
	case "afterfunc":
		var mu lockrt.Mutex
		mu.LockAt(lockrt.Pack(1, 1))
		go afterParked("sync.Mutex.Lock", func() { time.AfterFunc(50*time.Millisecond, mu.Unlock) })
		mu.LockAt(lockrt.Pack(1, 2))
		mu.Unlock()
		return
	}
	for _, mode := range []string{"mutex", "rwmutex", "timer-channel", "afterfunc"} {
		t.Run(mode, func(t *testing.T) {
			evs, stderr, code := child(t, "TestHandoffNotDoubleLock", mode)
			if code != 0 || len(kindOf(evs, event.KindDoubleLock)) != 0 {
				t.Fatalf("a handed-off lock was taken for a double lock: exit %d, stderr:\n%s", code, stderr)
			}
			if mode == "afterfunc" {
				return // the unlocking goroutine is the timer's
			}
			hs := kindOf(evs, event.KindHandoff)
			if len(hs) != 1 || hs[0].Site != 1 || hs[0].Goroutine == 0 || hs[0].Releaser == 0 ||
				hs[0].Goroutine == hs[0].Releaser || hs[0].Acq == nil || hs[0].Inst != hs[0].Acq.Inst {
				t.Fatalf("want one handoff event of the lock taken at site 1: %+v", hs)
			}
		})
	}
}

// TestDoubleLockOthersBlocked: a double lock is certain, and ends the
// process, when every other goroutine is blocked for good too.
func TestDoubleLockOthersBlocked(t *testing.T) {
	if os.Getenv(childEnv) == "blocked" {
		var mu lockrt.Mutex
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { wg.Wait() }() // never done
		ch := make(chan int)
		go func() { ch <- 1 }() // never received
		mu.LockAt(lockrt.Pack(1, 1))
		mu.LockAt(lockrt.Pack(1, 2))
		return
	}
	start := time.Now()
	evs, stderr, code := child(t, "TestDoubleLockOthersBlocked", "blocked")
	if code != 3 || len(kindOf(evs, event.KindDoubleLock)) != 1 || !strings.Contains(stderr, "double lock") {
		t.Fatalf("want a double lock and exit 3; exit %d, stderr:\n%s", code, stderr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the double lock took %v to confirm", d)
	}
}

// TestHandoffReadLocks is the repro of docs/real-world.md problem 2: read
// locks taken by one goroutine and released by others. Their entries must
// leave the locking goroutine's record, the last Lock is no double lock, a
// handoff is recorded, and any recursive-rlock event is about the handed-off
// hold (which the analyzer then drops).
func TestHandoffReadLocks(t *testing.T) {
	goidModes(t, func(t *testing.T, rec *lockrt.Rec) {
		var mu lockrt.RWMutex
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			mu.RLockAt(lockrt.Pack(7, 1))
			wg.Add(1)
			go func() { defer wg.Done(); mu.RUnlock() }()
		}
		wg.Wait()
		me := rec.Goid()
		if n := rec.Holds(me); n != 0 {
			t.Fatalf("the locking goroutine still holds %d handed-off read locks", n)
		}
		mu.LockAt(lockrt.Pack(7, 2))
		mu.Unlock()
		evs := rec.Events(t)
		if ds := kindOf(evs, event.KindDoubleLock); len(ds) != 0 {
			t.Fatalf("double lock reported: %+v", ds)
		}
		hs := kindOf(evs, event.KindHandoff)
		if len(hs) != 1 || hs[0].Goroutine != me || hs[0].Releaser == me || hs[0].Class != 7 || hs[0].Site != 1 ||
			hs[0].Acq == nil || hs[0].Acq.Mode != event.Read {
			t.Fatalf("want one read handoff from goroutine %d at site 1: %+v", me, hs)
		}
		for _, ev := range kindOf(evs, event.KindRecursiveRLock) {
			if len(ev.Held) != 1 || ev.Held[0].Site != 1 || ev.Held[0].Inst != hs[0].Inst {
				t.Errorf("recursive-rlock not about the handed-off hold: %+v", ev)
			}
		}
	})
}

// TestHandoffDeepReadLocks: read locks past the held depth (16), all
// released by other goroutines, leave the locking goroutine's record empty
// (bbolt's test goroutine kept them counted and overflowed).
func TestHandoffDeepReadLocks(t *testing.T) {
	goidModes(t, func(t *testing.T, rec *lockrt.Rec) {
		var mu lockrt.RWMutex
		var wg sync.WaitGroup
		release := make(chan struct{})
		for i := 0; i < 40; i++ {
			mu.RLockAt(lockrt.Pack(8, 1))
			wg.Add(1)
			go func() { defer wg.Done(); <-release; mu.RUnlock() }()
		}
		me := rec.Goid()
		if n := rec.Holds(me); n != 40 {
			t.Fatalf("holds %d read locks, want 40", n)
		}
		close(release)
		wg.Wait()
		if n := rec.Holds(me); n != 0 {
			t.Fatalf("the locking goroutine still holds %d handed-off read locks", n)
		}
		mu.LockAt(lockrt.Pack(8, 2))
		mu.Unlock()
	})
}

// afterParked calls f once some goroutine is parked in state, as goroutine
// dumps name it ("sync.Mutex.Lock"): the handshake with a goroutine that
// blocks in a lock, which no channel can give.
func afterParked(state string, f func()) {
	buf := make([]byte, 1<<20)
	for !strings.Contains(string(buf[:runtime.Stack(buf, true)]), "["+state) {
		runtime.Gosched()
	}
	f()
}
