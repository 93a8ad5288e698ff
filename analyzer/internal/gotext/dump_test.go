package gotext

import (
	"os"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
)

func TestParseDumpReal(t *testing.T) {
	b, err := os.ReadFile("testdata/dump.txt")
	if err != nil {
		t.Fatal(err)
	}
	gs := ParseDump(string(b))
	states := map[string]bool{}
	for _, g := range gs {
		states[g.State] = true
	}
	for _, want := range []string{"running", "sync.Mutex.Lock", "chan receive", "select (no cases)", "sync.WaitGroup.Wait", "sleep"} {
		if !states[want] {
			t.Errorf("no goroutine in state %q; states %v", want, states)
		}
	}
	var mu *Stack
	for i := range gs {
		if gs[i].State == "sync.Mutex.Lock" {
			mu = &gs[i]
		}
	}
	if mu == nil {
		t.Fatal("no goroutine blocked on the mutex")
	}
	var top findings.Frame // the first frame outside the runtime and sync
	for _, f := range mu.Frames {
		if !strings.HasPrefix(f.Func, "runtime.") && !strings.HasPrefix(f.Func, "sync.") && !strings.HasPrefix(f.Func, "internal/") {
			top = f
			break
		}
	}
	if top.Func != "main.(*account).lockForever" || !strings.HasSuffix(top.File, "testdata/gen/main.go") || top.Line == 0 {
		t.Errorf("top frame after trimming = %+v", top)
	}
	if mu.CreatedBy.Func != "main.main" || mu.CreatedBy.Line == 0 {
		t.Errorf("created by = %+v", mu.CreatedBy)
	}
}

func TestParseDumpHeaders(t *testing.T) {
	tests := []struct {
		name, dump string
		want       Stack
	}{
		{"sigquit", "SIGQUIT: quit\nPC=0x0\n\ngoroutine 7 [chan send, 2 minutes, locked to thread]:\nmain.f(0x1, {0x2, 0x3})\n\t/src/a.go:9 +0x1d\n...additional frames elided...\n",
			Stack{ID: 7, State: "chan send", Wait: "2 minutes", Locked: true, Elided: true, Frames: []findings.Frame{{Func: "main.f", File: "/src/a.go", Line: 9}}}},
		{"traceback-system", "goroutine 3 gp=0xc000003 m=nil [select]:\nmain.(*T).run(...)\n\t/src/t.go:4\n",
			Stack{ID: 3, State: "select", Frames: []findings.Frame{{Func: "main.(*T).run", File: "/src/t.go", Line: 4}}}},
		{"panic-output", "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/m.go:5 +0x25\nexit status 2\n",
			Stack{ID: 1, State: "running", Frames: []findings.Frame{{Func: "main.main", File: "/src/m.go", Line: 5}}}},
		{"labels-go1.26", "goroutine 19 [chan send (leaked), 1 minutes labels:{\"lockscope.test\": \"TestA\"}]:\nmain.f()\n\t/src/f.go:3 +0x1\n",
			Stack{ID: 19, State: "chan send", Wait: "1 minutes", Leaked: true, Test: "TestA", Frames: []findings.Frame{{Func: "main.f", File: "/src/f.go", Line: 3}}}},
		{"labels-go1.27", "goroutine 20 [select] {lockscope.test: TestB}:\nmain.g()\n\t/src/g.go:4 +0x1\n",
			Stack{ID: 20, State: "select", Test: "TestB", Frames: []findings.Frame{{Func: "main.g", File: "/src/g.go", Line: 4}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gs := ParseDump(tt.dump)
			if len(gs) != 1 {
				t.Fatalf("got %d goroutines", len(gs))
			}
			g := gs[0]
			if g.ID != tt.want.ID || g.State != tt.want.State || g.Wait != tt.want.Wait || g.Locked != tt.want.Locked || g.Elided != tt.want.Elided || g.Leaked != tt.want.Leaked || g.Test != tt.want.Test {
				t.Errorf("got %+v, want %+v", g, tt.want)
			}
			if len(g.Frames) != len(tt.want.Frames) || g.Frames[0] != tt.want.Frames[0] {
				t.Errorf("frames %+v, want %+v", g.Frames, tt.want.Frames)
			}
		})
	}
}

func FuzzParseDump(f *testing.F) {
	if b, err := os.ReadFile("testdata/dump.txt"); err == nil {
		f.Add(string(b))
	}
	f.Add("goroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n")
	f.Add("goroutine x [\ngoroutine 2 []:\n(\n\t:\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, g := range ParseDump(s) {
			if !strings.Contains(s, "goroutine ") {
				t.Fatalf("goroutine %d parsed from text without a header", g.ID)
			}
		}
	})
}
