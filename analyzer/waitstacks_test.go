package analyzer

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// TestWaitStacks: the block profile's waits on an instrumented lock become
// the result's wait stacks, named after the lock, with the lock runtime's
// and sync's frames trimmed so that the user's Lock call is on top.
func TestWaitStacks(t *testing.T) {
	sites := &event.SiteTable{
		Classes: []event.Class{{}, {ID: 1, Name: "Server.mu", Kind: "field"}},
		Sites:   []event.Site{{}, {ID: 1, Op: "Lock", Class: 1, Frame: event.Frame{Func: "main.(*Server).quote", File: "/mod/main.go", Line: 42}}},
	}
	dir := t.TempDir()
	p := &tracer.Process{Package: "example.com/quotes", ProfilePrefix: filepath.Join(dir, "target")}
	block := &profile.Profile{SampleType: []*profile.ValueType{{Type: "contentions", Unit: "count"}, {Type: "delay", Unit: "nanoseconds"}}}
	stack := []string{"sync.(*Mutex).Lock", rt + "(*recorder).lock", rt + "(*Mutex).LockAt", "main.(*Server).quote", "net/http.HandlerFunc.ServeHTTP"}
	s := &profile.Sample{Value: []int64{3, 7_000_000}}
	for i, fn := range stack {
		f := &profile.Function{ID: uint64(i + 1), Name: fn, Filename: "/mod/main.go"}
		l := &profile.Location{ID: uint64(i + 1), Line: []profile.Line{{Function: f, Line: 42}}}
		block.Function, block.Location = append(block.Function, f), append(block.Location, l)
		s.Location = append(s.Location, l)
	}
	block.Sample = []*profile.Sample{s}
	var raw bytes.Buffer
	if err := block.Write(&raw); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.ProfilePath(tracer.BlockProfile), raw.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	res, err := Analyze(&Input{Sites: sites, Processes: []*tracer.Process{p}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.WaitStacks) != 1 {
		t.Fatalf("wait stacks: %+v", res.WaitStacks)
	}
	w := res.WaitStacks[0]
	if w.Lock != "Server.mu" || w.Package != "example.com/quotes" || w.Count != 3 || w.DelayNs != 7_000_000 ||
		len(w.Stack) != 2 || w.Stack[0].Func != "main.(*Server).quote" {
		t.Errorf("wait stack: %+v", w)
	}
}
