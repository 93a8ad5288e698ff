package cmd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/reports"
)

// TestHTTPHotLockContention runs the http-hot-lock scenario's two variants
// through the whole pipeline, one after the other, and compares their
// figures: the fixed server's total lock wait must be at least minRatio
// times lower than the buggy one's, and `go tool pprof` must read the buggy
// run's contention.pb.gz and show the lock and the handler. It compares two
// measurements of the same test, never a duration against a constant.
func TestHTTPHotLockContention(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a scenario twice")
	}
	const minRatio = 5
	buggyOut, fixedOut := t.TempDir(), t.TempDir()
	buggy := runScenario(t, "http-hot-lock", "buggy", buggyOut)
	fixed := runScenario(t, "http-hot-lock", "fixed", fixedOut)

	bw, fw := totalWait(buggy), totalWait(fixed)
	t.Logf("total lock wait: buggy %dns over %d waits, fixed %dns over %d waits", bw, waits(buggy), fw, waits(fixed))
	if !hasFinding(buggy, "contention", []string{"Server.mu"}) {
		t.Errorf("buggy: no contention finding on Server.mu; findings:\n%s", summarize(buggy))
	}
	if len(fixed.Findings) != 0 {
		t.Errorf("fixed: findings:\n%s", summarize(fixed))
	}
	if bw == 0 || fw*minRatio > bw {
		t.Errorf("fixed variant's total lock wait %dns is not %dx lower than the buggy one's %dns", fw, minRatio, bw)
	}

	prof := filepath.Join(buggyOut, reports.ContentionFile)
	top := pprofTop(t, prof)
	for _, want := range []string{"(*Server).quote"} {
		if !strings.Contains(top, want) {
			t.Errorf("go tool pprof -top %s does not show %s:\n%s", prof, want, top)
		}
	}
	tags := pprofRun(t, "-tags", prof)
	if !strings.Contains(tags, "Server.mu") {
		t.Errorf("go tool pprof -tags does not show the lock label Server.mu:\n%s", tags)
	}

	// The saved findings.json is enough to write the profile again.
	again := filepath.Join(t.TempDir(), "again.pb.gz")
	if code, _, stderr := lockscope(t, buggyOut, "report", "findings.json", "--format", "pprof", "-o", again); code != ExitOK {
		t.Fatalf("report --format pprof: exit %d: %s", code, stderr)
	}
	if a, b := profileSum(t, again), profileSum(t, prof); a != b {
		t.Errorf("the profile written again from findings.json has %s; the run's has %s", a, b)
	}
}

// runScenario runs one scenario variant into out and returns its findings.
func runScenario(t *testing.T, name, variant, out string) *findings.Result {
	t.Helper()
	_, _, stderr := lockscope(t, t.TempDir(), "run", name, "--variant", variant, "--out", out, "--format", "json")
	res := readFindings(t, out)
	if len(res.Runs) != 1 || res.Runs[0].ExitCode != 0 || res.Runs[0].TimedOut {
		t.Fatalf("%s %s did not run to completion: %+v\nstderr:\n%s", name, variant, res.Runs, stderr)
	}
	return res
}

func totalWait(res *findings.Result) int64 {
	var ns int64
	for _, c := range res.Contention {
		ns += c.WaitNs
	}
	return ns
}

func waits(res *findings.Result) int64 {
	var n int64
	for _, c := range res.Contention {
		n += c.Waits
	}
	return n
}

// pprofTop runs `go tool pprof -top` on path.
func pprofTop(t *testing.T, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no contention profile: %v", err)
	}
	return pprofRun(t, "-top", path)
}

// pprofRun runs the real `go tool pprof` with args.
func pprofRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"tool", "pprof"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// profileSum says what a pprof profile holds: samples, waits and delay.
func profileSum(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.ParseData(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var count, delay int64
	for _, s := range p.Sample {
		count, delay = count+s.Value[0], delay+s.Value[1]
	}
	return fmt.Sprintf("%d samples, %d waits, %dns", len(p.Sample), count, delay)
}
