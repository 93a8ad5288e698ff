package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/lockscope/lockscope/findings"
)

// TestWriteContention builds a contention profile from a result's wait
// stacks and checks it with the profile package and the real
// `go tool pprof -top`.
func TestWriteContention(t *testing.T) {
	dir := t.TempDir()
	res := &findings.Result{WaitStacks: []findings.WaitStack{{
		Lock: "Server.mu", Package: "example.com/quotes", Count: 3, DelayNs: 7_000_000,
		Stack: []findings.Frame{
			{Func: "main.(*Server).quote", File: "/mod/main.go", Line: 42},
			{Func: "net/http.HandlerFunc.ServeHTTP", File: "/go/src/net/http/server.go", Line: 2220},
		},
	}}}
	var out bytes.Buffer
	n, err := WriteContention(&out, res)
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
	n, err := WriteContention(&out, &findings.Result{})
	if err != nil || n != 0 || out.Len() != 0 {
		t.Errorf("got %d samples, %d bytes, %v", n, out.Len(), err)
	}
}
