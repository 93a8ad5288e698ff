package lockrt_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/lockrt"
)

// goidModes runs f with goroutine IDs read both ways.
func goidModes(t *testing.T, f func(t *testing.T, rec *lockrt.Rec)) {
	for _, stackMode := range []bool{false, true} {
		t.Run(fmt.Sprintf("stack=%v", stackMode), func(t *testing.T) {
			f(t, lockrt.StartRecording(t, stackMode))
		})
	}
}

// inGoroutine runs f on a new goroutine and waits for it.
func inGoroutine(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

func kindOf(evs []event.Event, k event.Kind) []event.Event {
	var out []event.Event
	for _, ev := range evs {
		if ev.Kind == k {
			out = append(out, ev)
		}
	}
	return out
}

// edgeString is "held1,held2->acq" with class:site:mode, try marked "?".
func edgeString(ev event.Event) string {
	var held []string
	for _, l := range ev.Held {
		held = append(held, lockString(l))
	}
	return strings.Join(held, ",") + "->" + lockString(*ev.Acq)
}

func lockString(l event.Lock) string {
	s := fmt.Sprintf("%d:%d:%s", l.Class, l.Site, l.Mode)
	if l.Try {
		s += "?"
	}
	return s
}

func edges(t *testing.T, rec *lockrt.Rec) []string {
	t.Helper()
	var out []string
	for _, ev := range kindOf(rec.Events(t), event.KindEdge) {
		out = append(out, edgeString(ev))
		if len(ev.Stack) == 0 || !strings.Contains(ev.Stack[0].Func, "lockrt_test.") {
			t.Errorf("edge %s: stack should start in the test, got %v", edgeString(ev), ev.Stack)
		}
	}
	return out
}

func checkEdges(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("edges:\n got %q\nwant %q", got, want)
	}
}

func nest(ms ...*lockrt.Mutex) func(sites ...int32) {
	return func(sites ...int32) {
		for i, m := range ms {
			m.LockAt(lockrt.Pack(int32(100+i), sites[i]))
		}
		for i := len(ms) - 1; i >= 0; i-- {
			ms[i].Unlock()
		}
	}
}

func TestInversionTwoGoroutines(t *testing.T) {
	goidModes(t, func(t *testing.T, rec *lockrt.Rec) {
		var a, b lockrt.Mutex
		inGoroutine(func() { a.LockAt(lockrt.Pack(1, 11)); b.LockAt(lockrt.Pack(2, 12)); b.Unlock(); a.Unlock() })
		inGoroutine(func() { b.LockAt(lockrt.Pack(2, 13)); a.LockAt(lockrt.Pack(1, 14)); a.Unlock(); b.Unlock() })
		checkEdges(t, edges(t, rec), "1:11:w->2:12:w", "2:13:w->1:14:w")
		evs := kindOf(rec.Events(t), event.KindEdge)
		if evs[0].Goroutine == evs[1].Goroutine || evs[0].Goroutine == 0 {
			t.Errorf("goroutines %d and %d should differ", evs[0].Goroutine, evs[1].Goroutine)
		}
	})
}

func TestThreeLockCycle(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var a, b, c lockrt.Mutex
	site := lockrt.Pack
	inGoroutine(func() { a.LockAt(site(1, 1)); b.LockAt(site(2, 2)); b.Unlock(); a.Unlock() })
	inGoroutine(func() { b.LockAt(site(2, 3)); c.LockAt(site(3, 4)); c.Unlock(); b.Unlock() })
	inGoroutine(func() { c.LockAt(site(3, 5)); a.LockAt(site(1, 6)); a.Unlock(); c.Unlock() })
	checkEdges(t, edges(t, rec), "1:1:w->2:2:w", "2:3:w->3:4:w", "3:5:w->1:6:w")
}

func TestRepeatedChainIsQuiet(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var a, b, c lockrt.Mutex
	run := nest(&a, &b, &c)
	for i := 0; i < 3; i++ {
		inGoroutine(func() { run(1, 2, 3) })
		run(1, 2, 3)
	}
	checkEdges(t, edges(t, rec), "100:1:w->101:2:w", "100:1:w,101:2:w->102:3:w")
}

func TestOutOfOrderUnlockRechains(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var a, b, c lockrt.Mutex
	a.LockAt(lockrt.Pack(1, 1))
	b.LockAt(lockrt.Pack(2, 2))
	a.Unlock()
	c.LockAt(lockrt.Pack(3, 3)) // held is now [b]: the chain b->c, not a,b->c
	c.Unlock()
	b.Unlock()
	b.LockAt(lockrt.Pack(2, 4))
	c.LockAt(lockrt.Pack(3, 5)) // the same chain: no new edge
	c.Unlock()
	b.Unlock()
	checkEdges(t, edges(t, rec), "1:1:w->2:2:w", "2:2:w->3:3:w")
}

func TestSameClassInstances(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var m1, m2 lockrt.Mutex
	p := lockrt.Pack(7, 70)
	inGoroutine(func() { m1.LockAt(p); m2.LockAt(p); m2.Unlock(); m1.Unlock() })
	inGoroutine(func() { m2.LockAt(p); m1.LockAt(p); m1.Unlock(); m2.Unlock() })
	inGoroutine(func() { m2.LockAt(p); m1.LockAt(p); m1.Unlock(); m2.Unlock() })
	evs := rec.Events(t)
	es := kindOf(evs, event.KindEdge)
	if len(es) != 2 {
		t.Fatalf("want 2 edges, got %d: %+v", len(es), es)
	}
	i1, i2 := es[0].Held[0].Inst, es[0].Acq.Inst
	if i1 == i2 || es[1].Held[0].Inst != i2 || es[1].Acq.Inst != i1 {
		t.Errorf("edges should invert two instances: %d->%d then %d->%d",
			i1, i2, es[1].Held[0].Inst, es[1].Acq.Inst)
	}
	// m2 got its identity in the first edge; m1 was already known when
	// the second edge was recorded.
	if !es[0].Acq.First || es[1].Acq.First || es[0].Held[0].First {
		t.Errorf("First marks: edge 1 acq %v held %v, edge 2 acq %v; want true, false, false",
			es[0].Acq.First, es[0].Held[0].First, es[1].Acq.First)
	}
	ords := map[int64]int64{}
	for _, ev := range kindOf(evs, event.KindInstance) {
		ords[ev.Inst] = ev.Ordinal
		if ev.Class != 7 || ev.Site != 70 {
			t.Errorf("instance %+v: want class 7, site 70", ev)
		}
	}
	if ords[i1] != 1 || ords[i2] != 2 {
		t.Errorf("ordinals %v, want %d:1 %d:2", ords, i1, i2)
	}
}

func TestInstanceEventPrecedesUse(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var a, b lockrt.Mutex
	nest(&a, &b)(1, 2)
	told := map[int64]bool{}
	for _, ev := range rec.Events(t) {
		switch ev.Kind {
		case event.KindInstance:
			if told[ev.Inst] {
				t.Errorf("instance %d described twice", ev.Inst)
			}
			told[ev.Inst] = true
		case event.KindEdge:
			for _, l := range append(ev.Held, *ev.Acq) {
				if !told[l.Inst] {
					t.Errorf("edge refers to undescribed instance %d", l.Inst)
				}
			}
		}
	}
}

func TestModes(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var rw lockrt.RWMutex
	var m lockrt.Mutex
	rw.RLockAt(lockrt.Pack(1, 1))
	m.LockAt(lockrt.Pack(2, 2))
	m.Unlock()
	rw.RUnlock()
	rw.LockAt(lockrt.Pack(1, 3))
	m.LockAt(lockrt.Pack(2, 4))
	m.Unlock()
	rw.Unlock()
	m.LockAt(lockrt.Pack(2, 5))
	rw.RLockAt(lockrt.Pack(1, 6))
	rw.RUnlock()
	m.Unlock()
	checkEdges(t, edges(t, rec), "1:1:r->2:2:w", "1:3:w->2:4:w", "2:5:w->1:6:r")
}

func TestTryLockMarked(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var a, b lockrt.Mutex
	var rw lockrt.RWMutex
	a.LockAt(lockrt.Pack(1, 1))
	if !b.TryLockAt(lockrt.Pack(2, 2)) {
		t.Fatal("TryLock of a free mutex failed")
	}
	if !rw.TryRLockAt(lockrt.Pack(3, 3)) {
		t.Fatal("TryRLock of a free RWMutex failed")
	}
	if rw.TryLockAt(lockrt.Pack(3, 4)) {
		t.Fatal("TryLock of a read-held RWMutex succeeded")
	}
	rw.RUnlock()
	b.Unlock()
	b.LockAt(lockrt.Pack(2, 5)) // blocking this time: a new edge
	b.Unlock()
	a.Unlock()
	checkEdges(t, edges(t, rec), "1:1:w->2:2:w?", "1:1:w,2:2:w?->3:3:r?", "1:1:w->2:5:w")
}

func TestRecursiveRLock(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var rw lockrt.RWMutex
	for i := 0; i < 2; i++ {
		rw.RLockAt(lockrt.Pack(1, 1))
		rw.RLockAt(lockrt.Pack(1, 2))
		rw.RUnlock()
		rw.RUnlock()
	}
	rs := kindOf(rec.Events(t), event.KindRecursiveRLock)
	if len(rs) != 1 {
		t.Fatalf("want one recursive-rlock event, got %d", len(rs))
	}
	ev := rs[0]
	if len(ev.Held) != 1 || ev.Held[0].Site != 1 || ev.Acq.Site != 2 || ev.Acq.Mode != event.Read || len(ev.Stack) == 0 {
		t.Errorf("recursive-rlock event %+v", ev)
	}
}

// TestNewExtensionAfterKnownOne: the fast path remembers the last chain
// extension it found; another lock taken under the same held lock is a new
// chain all the same.
func TestNewExtensionAfterKnownOne(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var a, b, c lockrt.Mutex
	site := lockrt.Pack
	c.LockAt(site(3, 3)) // identified, so that a->c takes the fast path
	c.Unlock()
	for i := 0; i < 3; i++ { // a->b, known after the first time
		a.LockAt(site(1, 1))
		b.LockAt(site(2, 2))
		b.Unlock()
		a.Unlock()
	}
	a.LockAt(site(1, 1))
	c.LockAt(site(3, 3))
	c.Unlock()
	a.Unlock()
	checkEdges(t, edges(t, rec), "1:1:w->2:2:w", "1:1:w->3:3:w")
}
