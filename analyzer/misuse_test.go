package analyzer

import (
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// TestRecursiveRLockHandedOff: the repro of docs/real-world.md problem 2 as
// the runtime records it. Goroutine 4 read-locks A.mu and hands the read
// lock to a goroutine that releases it; its second RLock of the same
// instance is recorded as recursive before that release. The handoff event
// for the first hold's class and site drops the finding.
func TestRecursiveRLockHandedOff(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handoff func(f *fixture, first event.Lock) *event.Event
		want    int
	}{
		{"no handoff", func(*fixture, event.Lock) *event.Event { return nil }, 1},
		{"first hold handed off", func(f *fixture, first event.Lock) *event.Event {
			return &event.Event{Kind: event.KindHandoff, Goroutine: 4, Releaser: 9, Inst: first.Inst, Class: first.Class, Site: first.Site, Acq: &first}
		}, 0},
		{"same site, other instance", func(f *fixture, first event.Lock) *event.Event {
			other := first
			other.Inst = 2
			return &event.Event{Kind: event.KindHandoff, Goroutine: 5, Releaser: 9, Inst: 2, Class: first.Class, Site: first.Site, Acq: &other}
		}, 1}, // another instance's handoff proves nothing about this one
		{"same instance, another holder", func(f *fixture, first event.Lock) *event.Event {
			return &event.Event{Kind: event.KindHandoff, Goroutine: 7, Releaser: 9, Inst: first.Inst, Class: first.Class, Site: first.Site, Acq: &first}
		}, 1},
		{"other site, other instance", func(f *fixture, first event.Lock) *event.Event {
			return &event.Event{Kind: event.KindHandoff, Goroutine: 5, Releaser: 9, Inst: 3, Class: first.Class, Site: 99}
		}, 1},
		{"a write lock handed off", func(f *fixture, first event.Lock) *event.Event {
			w := f.w("A.mu", 1)
			return &event.Event{Kind: event.KindHandoff, Goroutine: 4, Releaser: 9, Inst: 1, Class: w.Class, Site: w.Site, Acq: &w}
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture("rw:A.mu")
			first := f.r("A.mu", 1)
			again := first
			f.add(event.Event{Kind: event.KindRecursiveRLock, Goroutine: 4, Held: []event.Lock{first}, Acq: &again, Stack: f.stack("deposit")})
			if h := tc.handoff(f, first); h != nil {
				f.add(*h)
			}
			if got := ofKind(analyze(t, f.input()), "recursive-rlock"); len(got) != tc.want {
				t.Fatalf("got %d recursive-rlock findings, want %d: %+v", len(got), tc.want, got)
			}
		})
	}
}

const selfWaitDump = `goroutine 7 [sync.Mutex.Lock, 2 minutes]:
sync.(*Mutex).Lock(...)
	/go/src/sync/mutex.go:46
github.com/lockscope/lockscope/tracer/lockrt.(*Mutex).LockAt(0xc0000)
	/rt/mutex.go:40 +0x1d
example.com/app.refresh(0x1)
	/mod/app.go:70 +0x1d
example.com/app.serve()
	/mod/app.go:20 +0x1d
created by example.com/app.main in goroutine 1
	/mod/main.go:9 +0x45

goroutine 1 [IO wait]:
example.com/app.main()
	/mod/main.go:12 +0x1d
`

// TestDoubleLockFromSnapshot: a goroutine that a snapshot shows waiting for
// a mutex it holds is a double lock, even though the runtime never wrote
// one (the process kept running and was stopped at its deadline).
func TestDoubleLockFromSnapshot(t *testing.T) {
	for _, reason := range []string{"signal", "exit"} {
		t.Run(reason, func(t *testing.T) {
			f := newFixture("A.mu", "B.mu")
			held, want := f.w("A.mu", 1), f.w("A.mu", 1)
			want.Since = 1e9
			f.add(event.Event{Kind: event.KindSnapshot, Reason: reason, Time: 5e9, Dump: selfWaitDump, Goroutines: []event.Goroutine{
				{ID: 7, Held: []event.Lock{f.w("B.mu", 2), held}, Waiting: &want},
				{ID: 1, Held: []event.Lock{f.w("B.mu", 3)}},
			}})
			in := f.input()
			in.Processes[0].TimedOut = reason == "signal"
			res := analyze(t, in)
			got := ofKind(res, "double-lock")
			if len(got) != 1 || got[0].Confidence != findings.Observed || got[0].Title != "Double lock of A.mu in app.refresh" ||
				!strings.Contains(got[0].Message, "goroutine 7 locks A.mu") || !strings.Contains(got[0].Message, "snapshot") {
				t.Fatalf("want one observed double lock from the snapshot: %+v", got)
			}
			if top := got[0].Evidence[0].Stack[0]; top.Func != "example.com/app.refresh" || top.Line != 70 {
				t.Errorf("evidence stack top = %+v", top)
			}
			if reason == "exit" {
				for _, l := range ofKind(res, "lock-leak") {
					if l.Locks[0] == "A.mu" {
						t.Errorf("the double-locked mutex is also reported as a leak: %+v", l)
					}
				}
			}
		})
	}
}

// TestDoubleLockSnapshotNotDuplicated: the runtime's double-lock event and
// a snapshot of the same wait are one finding; a read wait on a read hold
// is no double lock.
func TestDoubleLockSnapshotNotDuplicated(t *testing.T) {
	f := newFixture("rw:A.mu")
	held, want := f.w("A.mu", 1), f.w("A.mu", 1)
	f.add(event.Event{Kind: event.KindDoubleLock, Goroutine: 7, Held: []event.Lock{held}, Acq: &want, Stack: f.stack("refresh")})
	rh, rw := f.r("A.mu", 2), f.r("A.mu", 2)
	f.add(event.Event{Kind: event.KindSnapshot, Reason: "signal", Dump: selfWaitDump, Goroutines: []event.Goroutine{
		{ID: 7, Held: []event.Lock{held}, Waiting: &want},
		{ID: 8, Held: []event.Lock{rh}, Waiting: &rw},
	}})
	if got := ofKind(analyze(t, f.input()), "double-lock"); len(got) != 1 || got[0].Evidence[0].Goroutine != 7 {
		t.Fatalf("want one double-lock finding: %+v", got)
	}
}
