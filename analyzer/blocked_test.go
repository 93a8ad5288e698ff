package analyzer

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/analyzer/internal/gtrace"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// traceGen is the program that writes gtrace's captured trace. The test
// runs it afresh so that the trace's file paths are this checkout's: the
// static lockset reads the generator's source at those paths.
const traceGen = "internal/gtrace/testdata/gen/main.go"

// traceInput is an Input of one exited process whose artifact is a trace
// written by traceGen, with a site table naming the generator's mu.
func traceInput(t *testing.T) *Input {
	t.Helper()
	gen, err := filepath.Abs(traceGen)
	if err != nil {
		t.Fatal(err)
	}
	capturedTrace := filepath.Join(t.TempDir(), "mixed.trace")
	if out, err := exec.Command("go", "run", gen, "-o", capturedTrace).CombinedOutput(); err != nil {
		t.Fatalf("go run %s: %v\n%s", traceGen, err, out)
	}
	sum, err := gtrace.ReadFile(capturedTrace)
	if err != nil {
		t.Fatal(err)
	}
	tbl := &event.SiteTable{Classes: []event.Class{{}, {ID: 1, Name: "main.mu", Kind: "var"}}, Sites: []event.Site{{}}}
	for _, b := range sum.Blocks {
		for _, f := range b.Stack {
			if f.Func == "main.consume" {
				// the Lock and Unlock around the send, from the source
				tbl.Sites = append(tbl.Sites,
					event.Site{ID: 1, Op: "Lock", Class: 1, Frame: event.Frame{Func: f.Func, File: f.File, Line: f.Line - 1}},
					event.Site{ID: 2, Op: "Unlock", Class: 1, Frame: event.Frame{Func: f.Func, File: f.File, Line: f.Line + 1}})
				return &Input{Sites: tbl, ModuleDir: filepath.Dir(f.File),
					Processes: []*tracer.Process{{Run: 1, Package: "gen", TracePath: capturedTrace}}}
			}
		}
	}
	t.Fatal("the captured trace has no block in main.consume")
	return nil
}

func TestTraceChecks(t *testing.T) {
	in := traceInput(t)
	res, err := Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	has := func(kind findings.Kind, fn string) bool {
		for _, f := range res.Findings {
			if f.Kind == kind && len(f.Evidence) > 0 && len(f.Evidence[0].Stack) > 0 && strings.HasSuffix(f.Evidence[0].Stack[0].Func, fn) {
				return true
			}
		}
		return false
	}
	tests := []struct {
		name string
		kind findings.Kind
		fn   string
	}{
		{"leaked sender", "blocked-forever", "main.leak.func1"},
		{"barrier", "blocked-forever", "main.barrier.func1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !has(tt.kind, tt.fn) {
				t.Errorf("no %s at %s; findings: %+v", tt.kind, tt.fn, res.Findings)
			}
		})
	}
	t.Run("send under lock", func(t *testing.T) {
		// main logged a contended wait for class 1 before it unblocked the
		// send: a predicted mixed deadlock, not a mere warning.
		if !has("mixed-deadlock", "main.consume") {
			t.Errorf("no predicted mixed-deadlock at main.consume; findings: %+v", res.Findings)
		}
	})
}

func TestShortFuncNamesUserMain(t *testing.T) {
	for in, want := range map[string]string{
		"main.lockscopeUserMain":              "main.main",
		"main.lockscopeUserMain.func1":        "main.main.func1",
		"main.lockscopeUserMain2":             "main.main",
		"example.com/kv.(*Replica).send":      "kv.(*Replica).send",
		"example.com/kv.lockscopeUserMainish": "kv.lockscopeUserMainish",
	} {
		if got := findings.ShortFunc(in); got != want {
			t.Errorf("findings.ShortFunc(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOwnBlockedDropsLockscopesGoroutines: a goroutine the lock runtime
// started is lockscope's own even when it waits inside another package (a
// lock in runtime/pprof while it writes a profile at the deadline); a user
// goroutine waiting on an instrumented lock is still the user's.
func TestOwnBlockedDropsLockscopesGoroutines(t *testing.T) {
	own := blockedG{ID: 21, Reason: gtrace.ReasonSync, Stack: []findings.Frame{
		{Func: "internal/sync.(*Mutex).lockSlow"},
		{Func: "runtime/pprof.(*Profile).WriteTo"},
		{Func: "example.com/m/_lockscope/lockrt.writeProfiles"},
		{Func: "example.com/m/_lockscope/lockrt.(*recorder).statsLoop"},
	}}
	user := blockedG{ID: 7, Reason: gtrace.ReasonLock, Stack: []findings.Frame{
		{Func: "sync.(*Mutex).Lock"},
		{Func: "github.com/lockscope/lockscope/tracer/lockrt.(*Mutex).Lock"},
		{Func: "main.(*Box).Take"},
		{Func: "main.main.func2"},
	}}
	got := ownBlocked([]blockedG{own, user})
	if len(got) != 1 || got[0].ID != 7 {
		t.Errorf("ownBlocked kept %v, want only goroutine 7", got)
	}
}
