package reports

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sample is a result with one of everything the writers handle: a cycle
// with a long stack, a leak, contention, warnings and two runs.
func sample() *findings.Result {
	long := make([]findings.Frame, 9)
	for i := range long {
		long[i] = findings.Frame{Func: fmt.Sprintf("bank.step%d", i), File: "/mod/bank/bank.go", Line: 10 + i}
	}
	concurrent := false
	return &findings.Result{
		Version: 1, Tool: findings.Tool{Name: "lockscope", Version: "v0.1.0"},
		Target: findings.Target{Kind: "test", Name: "./...", Runs: 2, Dir: "/mod"},
		Runs: []findings.RunSummary{
			{Run: 1, Package: "example.com/bank", ExitCode: 0, DurationMs: 120, Output: "/out/artifacts/bank.test.output.log"},
			{Run: 2, Package: "example.com/bank", TimedOut: true, ExitCode: 137, DurationMs: 5000},
		},
		Findings: []findings.Finding{
			{ID: "a1", Kind: "lock-order-cycle", Severity: findings.Error, Confidence: findings.Predicted,
				Title: "Lock-order cycle: Account.mu -> Ledger.mu -> Account.mu", Message: "Two orders.\n\n  goroutine 1: lock Account.mu\n  *** deadlock ***",
				Locks: []string{"Account.mu", "Ledger.mu"}, Concurrent: &concurrent, Level: "class", Count: 2,
				Evidence: []findings.Evidence{{Role: "goroutine 7 takes Ledger.mu", Goroutine: 7, Stack: long, Held: []string{"Account.mu"}}},
				Advice:   "Take Ledger.mu before Account.mu in bank.Audit."},
			{ID: "b2", Kind: "lock-leak", Severity: findings.Warning, Confidence: findings.Observed,
				Title: "Sessions.mu still held at exit", Message: "held", Locks: []string{"Sessions.mu"},
				Package: "example.com/web", Truncated: "cycle search cut at 16 cycles",
				Evidence: []findings.Evidence{{Role: "acquired here", Goroutine: 3, Stack: []findings.Frame{{Func: "web.login", File: "/elsewhere/web.go", Line: 5}}}}},
		},
		Contention: []findings.Contention{
			{Lock: "Store.mu", Waits: 40, WaitNs: 12_345_678, MaxWaitNs: 2_000_000, HoldNs: 1000},
			{Lock: "Idle.mu"},
		},
		Warnings: []string{"bank.test: event log ends in a truncated record (line 9, 12 bytes lost)"},
	}
}

func TestGolden(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Generate(&buf, format, sample()); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "sample."+format)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s (run with -update after checking):\n%s", format, golden, buf.String())
			}
		})
	}
}

func TestTextSummary(t *testing.T) {
	res := sample()
	res.Findings[1].Baselined = true
	res.Fixed = []findings.BaselineEntry{{ID: "c3", Kind: "double-lock", Title: "Double lock of Cache.mu"}}
	var buf bytes.Buffer
	if err := Generate(&buf, "text", res); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"bank/bank.go:10",                    // paths inside the module are relative
		"/elsewhere/web.go:5",                // paths outside stay whole
		"... 3 more frames in findings.json", // long stacks are cut at textFrames
		"timed out, stopped",
		"Store.mu", "12.3ms",
		"1 error, 0 warnings, 0 info (and 1 baselined or suppressed)",
		"WARNING (baselined) lock-leak",
		"fixed since the baseline",
		"lockscope explain lock-order-cycle",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text summary lacks %q", want)
		}
	}
	if strings.Contains(out, "Idle.mu") {
		t.Errorf("a lock nobody waited for is listed under contention")
	}
}

func TestEmptyResultJSONHasLists(t *testing.T) {
	var buf bytes.Buffer
	if err := Generate(&buf, "json", &findings.Result{Version: 1}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"findings": []`, `"nodes": []`, `"edges": []`, `"contention": []`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("empty findings.json lacks %s:\n%s", want, buf.String())
		}
	}
}

func TestWriteDir(t *testing.T) {
	dir := t.TempDir()
	written, err := WriteDir(dir, []string{"html", "json", "text"}, sample())
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 3 {
		t.Fatalf("wrote %v, want report.html, findings.json and report.txt", written)
	}
	for _, name := range []string{"report.html", "findings.json", "report.txt"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := Generate(&bytes.Buffer{}, "pdf", sample()); err == nil {
		t.Errorf("an unknown format gave no error")
	}
}
