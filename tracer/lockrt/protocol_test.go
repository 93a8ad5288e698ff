package lockrt

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
)

// The slot protocol under stress: owners lock and unlock on the lock-free
// fast path while other goroutines unlock their locks, take their table
// cells over and read every record. Run it with -race too.

// checkView fails if a copied record is not a state its owner could have
// been in: workers hold a prefix of their chain, in class order, and nothing
// is torn. It reads other goroutines' instances, like the runtime, without
// the race detector (atom.go).
//
//go:norace
func checkView(t *testing.T, g gstate) {
	for i, e := range g.held {
		if e.addr == 0 || e.inst <= 0 {
			t.Errorf("goroutine %d: entry %d has no instance: %+v", g.id, i, g.held)
			return
		}
		if i > 0 && worker(e.class) && worker(g.held[i-1].class) && g.held[i-1].class >= e.class {
			t.Errorf("goroutine %d: torn or misordered list: %+v", g.id, g.held)
			return
		}
	}
}

// worker reports the classes that the owners lock in order.
func worker(c int32) bool { return c >= 100 && c <= 102 }

func TestProtocolStress(t *testing.T) {
	for _, stackGoid := range []bool{false, true} {
		rec := StartRecording(t, stackGoid)
		r := rec.r
		iters, takeovers := 1000, 2*len(r.cells)
		if stackGoid || raceEnabled {
			iters, takeovers = 200, len(r.cells)+256
		}
		var stop atomic.Bool
		var wg, readers sync.WaitGroup

		// Readers: snapshots of every record, as edges and signals take them.
		for i := 0; i < 2; i++ {
			readers.Add(1)
			go func() {
				defer readers.Done()
				for !stop.Load() {
					for _, g := range r.collect(0, 0) {
						checkView(t, g)
					}
					runtime.Gosched()
				}
			}()
		}

		// Owners: nested fast-path acquisitions of their own chain.
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var a, b Mutex
				var c RWMutex
				for i := 0; i < iters; i++ {
					a.LockAt(event.Site{ID: 1, Class: 100}.Packed())
					b.LockAt(event.Site{ID: 2, Class: 101}.Packed())
					c.RLockAt(event.Site{ID: 3, Class: 102}.Packed())
					c.RUnlock()
					b.Unlock()
					if i%7 == 0 {
						c.LockAt(event.Site{ID: 4, Class: 102}.Packed())
						c.Unlock()
					}
					a.Unlock()
				}
			}()
		}

		// Hand-offs: a lock taken here is released by another goroutine,
		// while the locker goes on locking.
		type handoff struct {
			m  *Mutex
			rw *RWMutex
		}
		ch := make(chan handoff, 4) // the locker holds at most 12 locks: under maxHeld
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer close(ch)
			var x Mutex
			for i := 0; i < iters; i++ {
				h := handoff{m: new(Mutex), rw: new(RWMutex)}
				h.m.LockAt(event.Site{ID: 5, Class: 200}.Packed())
				h.rw.RLockAt(event.Site{ID: 6, Class: 201}.Packed())
				ch <- h
				x.LockAt(event.Site{ID: 7, Class: 202}.Packed())
				x.Unlock()
			}
		}()
		go func() {
			defer wg.Done()
			for h := range ch {
				h.rw.RUnlock()
				h.m.Unlock()
			}
		}()

		// Takeovers: short-lived goroutines, more than there are cells, so
		// cells change owner under the readers.
		for i := 0; i < takeovers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var m Mutex
				m.LockAt(event.Site{ID: 8, Class: 300}.Packed())
				m.Unlock()
			}()
			if i%64 == 0 {
				runtime.Gosched()
			}
		}

		wg.Wait()
		stop.Store(true)
		readers.Wait()
		if gs := r.collect(0, 0); len(gs) != 0 {
			t.Errorf("goid stack=%v: nothing should be held at the end: %+v", stackGoid, gs)
		}
		rec.Finish()
		for _, ev := range rec.Events(t) {
			switch ev.Kind {
			case event.KindDoubleLock, event.KindUnlockOfUnlocked, event.KindRecursiveRLock, event.KindOverflow:
				t.Errorf("goid stack=%v: unexpected %+v", stackGoid, ev)
			}
		}
		stop.Store(false)
	}
}

// TestFrozenSectionFallsBack freezes a goroutine's record as another
// goroutine would and checks that its fast paths take the locked path and
// still record correctly.
func TestFrozenSectionFallsBack(t *testing.T) {
	rec := StartRecording(t, false)
	r := rec.r
	var a, b Mutex
	a.LockAt(event.Site{ID: 1, Class: 1}.Packed()) // gives the goroutine a table record
	g := r.goid()
	s := r.cells[g&slotMask].Load()
	if s == nil || s.owner != g {
		t.Fatal("no table record")
	}
	s.lock()
	if !s.freeze() {
		t.Fatal("freeze")
	}
	done := make(chan struct{})
	go func() { // the owner may not proceed while s is frozen: release it soon
		runtime.Gosched()
		s.thaw()
		s.unlock()
		close(done)
	}()
	b.LockAt(event.Site{ID: 2, Class: 2}.Packed()) // fast path sees frozen, waits on spin
	<-done
	b.Unlock()
	a.Unlock()
	rec.Finish()
	es := kindOf(rec.Events(t), event.KindEdge)
	if len(es) != 1 || len(es[0].Held) != 1 || es[0].Held[0].Class != 1 || es[0].Acq.Class != 2 {
		t.Errorf("want one edge 1->2, got %+v", es)
	}
	snaps := kindOf(rec.Events(t), event.KindSnapshot)
	if len(snaps) != 1 || len(snaps[0].Goroutines) != 0 {
		t.Errorf("nothing should be held: %+v", snaps)
	}
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
