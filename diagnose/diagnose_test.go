package diagnose

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/reports"
)

// TestBudget: the whole run may take the build deadline plus, for every
// process of every repetition, its deadline and the grace to stop it.
func TestBudget(t *testing.T) {
	o := &Options{BuildTimeout: time.Minute, Timeout: 10 * time.Second, Runs: 2}
	if got, want := o.budget(3), time.Minute+6*(10*time.Second+StopGrace); got != want {
		t.Errorf("budget(3) = %s, want %s", got, want)
	}
	if got, want := o.budget(0), time.Minute+2*(10*time.Second+StopGrace); got != want {
		t.Errorf("budget(0) = %s, want %s (a program counts as one target)", got, want)
	}
}

// TestGate: a suppression comment in the module and the baseline both
// take a finding out of the verdict, and the verdict level is recorded.
func TestGate(t *testing.T) {
	dir := t.TempDir()
	src := "package a\n\nfunc f() {\n\tmu.Lock() //lockscope:ignore double-lock f is only called once, at init\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	frame := []findings.Frame{{Func: "example.com/a.f", File: filepath.Join(dir, "a.go"), Line: 4}}
	res := &findings.Result{Version: 1, Target: findings.Target{Dir: dir}, Findings: []findings.Finding{
		{ID: "dl", Kind: findings.KindDoubleLock, Severity: findings.Error, Evidence: []findings.Evidence{{Stack: frame}}},
		{ID: "cy", Kind: findings.KindLockOrderCycle, Severity: findings.Error, Title: "cycle"},
		{ID: "ck", Kind: findings.KindLockLeak, Severity: findings.Warning, Title: "leak"},
	}}
	base := findings.NewBaseline(&findings.Result{Findings: []findings.Finding{res.Findings[1]}})
	Gate(res, findings.Warning, nil, base, "base.json")
	if res.FailOn != findings.Warning || res.Baseline != "base.json" {
		t.Errorf("fail-on %q, baseline %q", res.FailOn, res.Baseline)
	}
	var failing []string
	for _, f := range res.Failing(res.FailOn) {
		failing = append(failing, f.ID)
	}
	if !slices.Equal(failing, []string{"ck"}) {
		t.Errorf("failing %v, want only the lock leak: the double lock is suppressed, the cycle baselined", failing)
	}
}

// TestWriteReports: every format is written once, and the contention
// profile only when some goroutine waited for a lock.
func TestWriteReports(t *testing.T) {
	res := &findings.Result{Version: 1, Findings: []findings.Finding{}}
	dir := t.TempDir()
	written, err := WriteReports(dir, []string{"json", "text", "json"}, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 2 || !strings.HasSuffix(written[0], "findings.json") || !strings.HasSuffix(written[1], "report.txt") {
		t.Errorf("wrote %v", written)
	}
	res.WaitStacks = []findings.WaitStack{{Lock: "Server.mu", Count: 1, DelayNs: 1e6, Stack: []findings.Frame{{Func: "main.f", File: "/m/main.go", Line: 3}}}}
	written, err = WriteReports(dir, []string{"json"}, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 2 || filepath.Base(written[1]) != reports.ContentionFile {
		t.Errorf("wrote %v, want findings.json and %s", written, reports.ContentionFile)
	}
}
