package analyzer

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
)

// TestLockLeakEndedCreatedAt: a goroutine that ended holding a lock is in
// no dump, so the finding names where it was created from the runtime's
// record (event.Goroutine.Created).
func TestLockLeakEndedCreatedAt(t *testing.T) {
	f := newFixture("Pool.mu")
	created := &event.Frame{Func: "example.com/app.(*Pool).spawn", File: "/mod/pool.go", Line: 42}
	f.add(event.Event{Kind: event.KindSnapshot, Reason: "exit",
		Goroutines: []event.Goroutine{{ID: 20, Held: []event.Lock{f.w("Pool.mu", 1)}, Created: created}},
		Dump:       "goroutine 1 [running]:\nmain.main()\n\t/mod/main.go:3 +0x1\n"})
	got := ofKind(analyze(t, f.input()), "lock-leak")
	if len(got) != 1 {
		t.Fatalf("got %d leak findings, want 1: %+v", len(got), got)
	}
	if !strings.Contains(got[0].Message, "created at app.(*Pool).spawn (pool.go:42)") {
		t.Errorf("message does not say where the goroutine was created: %q", got[0].Message)
	}
	found := false
	for _, e := range got[0].Evidence {
		if len(e.Stack) == 1 && e.Stack[0].File == "/mod/pool.go" && e.Stack[0].Line == 42 {
			found = true
		}
	}
	if !found {
		t.Errorf("no evidence at the creation site: %+v", got[0].Evidence)
	}
}

// TestLockLeakPerTest: goroutines of two tests that ended holding locks of
// one class, taken at one site, are one finding per test, each naming its
// test, with a count of its own holders; and the IDs do not depend on which
// holder the snapshot lists first.
func TestLockLeakPerTest(t *testing.T) {
	build := func(order []int64) []string {
		f := newFixture("DB.writer")
		lock := f.w("DB.writer", 1)
		f.add(event.Event{Kind: event.KindTest, Test: "TestA", Goroutines: []event.Goroutine{{ID: 11}, {ID: 12}}})
		f.add(event.Event{Kind: event.KindTest, Test: "TestB", Goroutines: []event.Goroutine{{ID: 21}}})
		var gs []event.Goroutine
		for _, id := range order {
			gs = append(gs, event.Goroutine{ID: id, Held: []event.Lock{lock}})
		}
		f.add(event.Event{Kind: event.KindSnapshot, Reason: "exit", Goroutines: gs,
			Dump: "goroutine 1 [running]:\nmain.main()\n\t/mod/main.go:3 +0x1\n"})
		var got []string
		for _, l := range ofKind(analyze(t, f.input()), "lock-leak") {
			got = append(got, fmt.Sprintf("%s %d %s", l.Test, l.Count, l.ID))
		}
		slices.Sort(got)
		return got
	}
	a, b := build([]int64{11, 21, 12}), build([]int64{21, 12, 11})
	if len(a) != 2 || !strings.HasPrefix(a[0], "TestA 2 ") || !strings.HasPrefix(a[1], "TestB 1 ") {
		t.Fatalf("findings %q, want one for TestA with 2 holders and one for TestB", a)
	}
	if !slices.Equal(a, b) {
		t.Errorf("IDs depend on the snapshot's order: %q and %q", a, b)
	}
}
