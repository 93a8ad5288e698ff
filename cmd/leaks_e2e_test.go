package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
)

// TestLeakCorpus: lockscope test on testdata/leaks, a corpus of goroutine
// leaks and communication deadlocks from the Go bug taxonomies, each in a
// test TestLeakX beside a fixed twin TestCleanX. Every TestLeakX (and the
// leaking subtest TestLeakSubtest/inner) gets a blocked-forever finding
// naming it, although each test returns within milliseconds; no finding
// names a TestCleanX; leaks the Go runtime's leak profile proves are
// "proven", and one it cannot prove (a goroutine blocked on a package-level
// channel) says it was still blocked when the test ended. A lock held
// across a channel operation whose unblocker waits for the lock is one
// mixed-deadlock naming the test.
func TestLeakCorpus(t *testing.T) {
	t.Parallel()
	dir, err := filepath.Abs(filepath.Join("testdata", "leaks"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	code, stdout, stderr := lockscope(t, dir, "test", "./...", "--out", out, "--format", "json,text")
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitFindings, stdout, stderr)
	}
	res := readFindings(t, out)
	byTest := map[string][]findings.Finding{}
	for _, f := range res.Findings {
		if f.Kind == "blocked-forever" || f.Kind == "mixed-deadlock" {
			byTest[f.Test] = append(byTest[f.Test], f)
		}
		if strings.Contains(f.Test, "TestClean") || strings.Contains(f.Title, "TestClean") {
			t.Errorf("finding on a clean twin: %s %s: %s", f.Kind, f.Test, f.Title)
		}
	}
	leaky := []string{
		"TestLeakFanOutFirst", "TestLeakSelectTimeout", "TestLeakRangeUnclosed", "TestLeakForgottenCloseOnError",
		"TestLeakMissingDone", "TestLeakAddCountedWrong", "TestLeakCondNoSignal", "TestLeakContextNeverCancelled",
		"TestLeakNilChannel", "TestLeakSecondReceive", "TestLeakTickerLoop", "TestLeakLockAcrossSend",
		"TestLeakRWMutexReaderBlocked", "TestLeakMutexNeverUnlocked", "TestLeakEmptySelect", "TestLeakGlobalChannel",
		"TestLeakParallel", "TestLeakSubtest/inner",
	}
	for _, name := range leaky {
		fs := byTest[name]
		if len(fs) == 0 {
			t.Errorf("%s: no blocked-forever or mixed-deadlock finding naming it", name)
			continue
		}
		want := findings.Error
		for _, f := range fs {
			if f.Severity != want || !strings.Contains(f.Title, name) {
				t.Errorf("%s: finding %s %q, want %s titled with the test", name, f.Severity, f.Title, want)
			}
		}
	}
	for name, want := range map[string]findings.Confidence{
		"TestLeakSelectTimeout":         findings.Proven,
		"TestLeakFanOutFirst":           findings.Proven,
		"TestLeakMissingDone":           findings.Proven,
		"TestLeakGlobalChannel":         findings.Observed,
		"TestLeakParallel":              findings.Proven,
		"TestLeakSubtest/inner":         findings.Proven,
		"TestLeakCondNoSignal":          findings.Proven,
		"TestLeakRangeUnclosed":         findings.Proven,
		"TestLeakNilChannel":            findings.Proven,
		"TestLeakSecondReceive":         findings.Proven,
		"TestLeakTickerLoop":            findings.Observed,
		"TestLeakEmptySelect":           findings.Proven,
		"TestLeakContextNeverCancelled": findings.Proven,
		// A wait for an instrumented lock is proven too: the runtime's
		// tables keep no user lock reachable (tracer/lockrt's doc).
		"TestLeakMutexNeverUnlocked": findings.Proven,
	} {
		if fs := byTest[name]; len(fs) > 0 && fs[0].Confidence != want {
			t.Errorf("%s: confidence %s, want %s (%s)", name, fs[0].Confidence, want, fs[0].Message)
		}
	}
	// A lock held across a send (or a read lock across a receive) whose
	// unblocker waits for the lock is one mixed deadlock, not two leaks.
	for name, lock := range map[string]string{"TestLeakLockAcrossSend": "Cache.mu", "TestLeakRWMutexReaderBlocked": "Registry.mu"} {
		fs := byTest[name]
		if len(fs) != 1 || fs[0].Kind != "mixed-deadlock" || len(fs[0].Locks) != 1 || fs[0].Locks[0] != lock {
			t.Errorf("%s: findings %s, want one mixed-deadlock on %s", name, summarize(&findings.Result{Findings: fs}), lock)
		}
	}
	// A goroutine leaked waiting for a lock names the lock and its holder,
	// which ended holding it: the lock-leak finding is the cause.
	if fs := byTest["TestLeakMutexNeverUnlocked"]; len(fs) != 1 || len(fs[0].Locks) != 1 || fs[0].Locks[0] != "TestLeakMutexNeverUnlocked.mu" ||
		!strings.Contains(fs[0].Message, "which ended without unlocking it") {
		t.Errorf("TestLeakMutexNeverUnlocked: findings %s, want one naming the lock and its ended holder", summarize(&findings.Result{Findings: fs}))
	}
	if fs := byTest["TestLeakGlobalChannel"]; len(fs) > 0 && !strings.Contains(fs[0].Message, "still blocked when the test ended") {
		t.Errorf("unproved leak's message does not say it was still blocked when the test ended: %s", fs[0].Message)
	}
	// A lock the test itself left locked when it ended is a lock-leak
	// naming the test; the lock a mixed deadlock holds is that finding's
	// evidence, not a lock-leak too.
	lockLeak := false
	for _, f := range res.Findings {
		lockLeak = lockLeak || f.Kind == "lock-leak" && f.Test == "TestLeakMutexNeverUnlocked"
		if f.Kind == "lock-leak" && (f.Test == "TestLeakLockAcrossSend" || f.Test == "TestLeakRWMutexReaderBlocked") {
			t.Errorf("%s: a lock-leak beside its mixed deadlock: %s", f.Test, f.Title)
		}
	}
	if !lockLeak {
		t.Errorf("no lock-leak naming TestLeakMutexNeverUnlocked:\n%s", summarize(res))
	}
	if !strings.Contains(stdout, "(test TestLeakFanOutFirst)") {
		t.Errorf("text report does not name the test:\n%s", stdout)
	}
	ran := map[string]bool{}
	for _, tr := range res.Tests {
		ran[tr.Name] = true
	}
	if !ran["TestCleanHTTPServer"] || !ran["TestLeakSubtest/inner"] {
		t.Errorf("findings.json tests %v lack TestCleanHTTPServer or TestLeakSubtest/inner", res.Tests)
	}
	if n := len(byTest[""]); n != 0 {
		for _, f := range byTest[""] {
			t.Errorf("blocked-forever names no test: %s", f.Title)
		}
	}
}

// TestLeakReportedWhileRunning: a test that leaks a goroutine and then
// hangs is stopped at --timeout; the leak was proved by the leak-profile
// monitor while the target ran (a "running" leak event in the log) and is
// reported as proven, naming the test that never ended.
func TestLeakReportedWhileRunning(t *testing.T) {
	t.Parallel()
	dir, err := filepath.Abs(filepath.Join("testdata", "leakhang"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	code, stdout, stderr := lockscope(t, dir, "test", "./...", "--out", out, "--format", "json", "--timeout", "4s")
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitFindings, stdout, stderr)
	}
	res := readFindings(t, out)
	found := false
	for _, f := range res.Findings {
		if f.Kind == "blocked-forever" && f.Test == "TestPartialDeadlock" && f.Confidence == findings.Proven {
			found = true
		}
	}
	if !found {
		t.Errorf("no proven blocked-forever naming TestPartialDeadlock:\n%s", summarize(res))
	}
	logs, _ := filepath.Glob(filepath.Join(out, "artifacts", "*.events.jsonl"))
	running := false
	for _, l := range logs {
		data, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		running = running || strings.Contains(string(data), `"reason":"running"`)
	}
	if !running {
		t.Errorf("no leak event written while the target ran, in %v", logs)
	}
}

// TestDeadlockReportedWhenItForms: a test that truly deadlocks on two
// locks (AB-BA) is reported as a hang with the whole cycle as soon as the
// cycle forms, and the target is stopped then, long before the 60s
// deadline, with the lock-order finding still produced.
func TestDeadlockReportedWhenItForms(t *testing.T) {
	t.Parallel()
	mod := bankHangModule(t)
	out := t.TempDir()
	code, stdout, stderr := lockscope(t, mod, "test", "--timeout", "60s", "--out", out, "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitFindings, stdout, stderr)
	}
	res := readFindings(t, out)
	found := false
	for _, f := range res.Findings {
		if f.Kind == "hang" && strings.HasPrefix(f.Title, "Deadlock: 2 goroutines") && len(f.Evidence) == 2 {
			found = true
		}
	}
	if !found {
		t.Errorf("no hang finding with the 2-goroutine cycle; findings:\n%s", summarize(res))
	}
	if !hasFinding(res, "lock-order-cycle", []string{"Account.mu"}) {
		t.Errorf("the lock-order finding is gone; findings:\n%s", summarize(res))
	}
	for _, r := range res.Runs {
		if r.TimedOut || r.DurationMs > 10000 {
			t.Errorf("target ran %dms (timed out %v): it was not stopped when the deadlock formed", r.DurationMs, r.TimedOut)
		}
	}
}

// TestExampleLeaks: an example has no *testing.T, but the goroutines it
// leaves blocked are still its leaks, named with it; an example that leaves
// nothing behind has none.
func TestExampleLeaks(t *testing.T) {
	t.Parallel()
	res := testProgram(t, "exampleleak", ExitFindings)
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s %s %s", f.Kind, f.Severity, f.Test))
	}
	if len(got) != 1 || got[0] != "blocked-forever error ExampleFirst" {
		t.Errorf("findings %q, want one blocked-forever error of ExampleFirst\n%s", got, summarize(res))
	}
	if len(res.Findings) == 1 && !strings.Contains(res.Findings[0].Title, "2 goroutines") {
		t.Errorf("want the two blocked senders in one finding: %s", res.Findings[0].Title)
	}
}
