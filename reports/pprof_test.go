package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/lockscope/lockscope/analyzer"
	"github.com/lockscope/lockscope/tracer/event"
)

const rt = "github.com/lockscope/lockscope/tracer/lockrt."

// TestWriteContention builds a contention profile from a runtime block
// profile and checks it with the profile package and the real
// `go tool pprof -top`.
func TestWriteContention(t *testing.T) {
	sites := &event.SiteTable{
		Classes: []event.Class{{}, {ID: 1, Name: "Server.mu", Kind: "field"}},
		Sites:   []event.Site{{}, {ID: 1, Op: "Lock", Class: 1, Frame: event.Frame{Func: "main.(*Server).quote", File: "/mod/main.go", Line: 42}}},
	}
	dir := t.TempDir()
	p := &analyzer.Process{Package: "example.com/quotes", ProfilePrefix: filepath.Join(dir, "target")}
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
	if err := os.WriteFile(analyzer.ProfilePath(p, analyzer.BlockProfile), raw.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	n, err := WriteContention(&out, &analyzer.Input{Sites: sites, Processes: []*analyzer.Process{p}})
	if err != nil || n != 1 {
		t.Fatalf("WriteContention: %d samples, %v", n, err)
	}
	got, err := profile.Parse(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	smp := got.Sample[0]
	if smp.Label["lock"][0] != "Server.mu" || smp.Value[1] != 7_000_000 || smp.Location[0].Line[0].Function.Name != "main.(*Server).quote" {
		t.Errorf("sample: labels %v, values %v, top %s", smp.Label, smp.Value, smp.Location[0].Line[0].Function.Name)
	}

	path := filepath.Join(dir, ContentionFile)
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	top, err := exec.Command("go", "tool", "pprof", "-top", path).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof -top: %v\n%s", err, top)
	}
	if !strings.Contains(string(top), "main.(*Server).quote") || !strings.Contains(string(top), "7ms") {
		t.Errorf("go tool pprof -top:\n%s", top)
	}
}

// TestWriteContentionNone checks that no waits write nothing.
func TestWriteContentionNone(t *testing.T) {
	var out bytes.Buffer
	n, err := WriteContention(&out, &analyzer.Input{Processes: []*analyzer.Process{{ProfilePrefix: filepath.Join(t.TempDir(), "none")}}})
	if err != nil || n != 0 || out.Len() != 0 {
		t.Errorf("got %d samples, %d bytes, %v", n, out.Len(), err)
	}
}
