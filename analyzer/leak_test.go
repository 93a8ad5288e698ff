package analyzer

import (
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
