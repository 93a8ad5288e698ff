package cmd

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lockscope/lockscope/findings"
)

// findingIn reports whether res has a finding of kind whose evidence names
// function fn.
func findingIn(res *findings.Result, kind findings.Kind, fn string) bool {
	for _, f := range res.Findings {
		if f.Kind != kind {
			continue
		}
		for _, e := range f.Evidence {
			for _, fr := range e.Stack {
				if strings.HasSuffix(fr.Func, fn) {
					return true
				}
			}
		}
	}
	return false
}

// TestTestCommandFindsChannelBugs: lockscope test on a fresh module finds
// a channel-only leak and a mixed lock/channel deadlock from the execution
// trace, by function name; the deadlocked test is stopped at the deadline.
func TestTestCommandFindsChannelBugs(t *testing.T) {
	t.Parallel()
	dir := programModule(t, "pipe")
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := lockscope(t, dir, "test", "./...", "--timeout", "4s", "--out", out, "--format", "json")
	res := readFindings(t, out)
	if code != ExitFindings {
		t.Errorf("exit %d, want %d\nstderr:\n%s", code, ExitFindings, stderr)
	}
	for _, want := range []struct {
		kind findings.Kind
		fn   string
	}{
		{"blocked-forever", "fetchWorker"},
		{"mixed-deadlock", "(*Buffer).Flush"},
		{"blocked-forever", "(*Buffer).Drain"},
	} {
		if !findingIn(res, want.kind, want.fn) {
			t.Errorf("no %s naming %s; findings:\n%s", want.kind, want.fn, summarize(res))
		}
	}
}

// TestKilledTargetKeepsTrace: a program stopped at its deadline still
// yields blocked-forever findings from the trace of its last seconds.
func TestKilledTargetKeepsTrace(t *testing.T) {
	t.Parallel()
	dir := programModule(t, "spin")
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := lockscope(t, dir, "run", ".", "--timeout", "2s", "--out", out, "--format", "json")
	res := readFindings(t, out)
	if code != ExitFindings {
		t.Errorf("exit %d, want %d\nstderr:\n%s", code, ExitFindings, stderr)
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.Kind == "blocked-forever" && strings.Contains(f.Message, "execution trace") && findingIn(res, f.Kind, "leak.func1")
	}
	if !found {
		t.Errorf("no blocked-forever from the execution trace naming leak.func1; findings:\n%s", summarize(res))
	}
}

// TestTickerLoopIsTheTestsLeak: a background loop on a ticker that a test
// starts and never stops is that test's leak, as goleak counts it: an error
// naming the test, whose message does not claim the select can never
// proceed and says to stop the loop in t.Cleanup.
func TestTickerLoopIsTheTestsLeak(t *testing.T) {
	t.Parallel()
	res := testProgram(t, "ticker", ExitFindings)
	var got []string
	for _, f := range res.Findings {
		if f.Kind == "blocked-forever" {
			got = append(got, string(f.Severity)+": "+f.Title)
			if strings.Contains(f.Message, "can ever proceed") || !strings.Contains(f.Message, "ticker") {
				t.Errorf("message claims the select is stuck, or does not name the ticker loop: %s", f.Message)
			}
			if !strings.Contains(f.Advice, "t.Cleanup") {
				t.Errorf("advice does not say to stop the loop in t.Cleanup: %s", f.Advice)
			}
			if f.Test != "TestUse" {
				t.Errorf("finding names test %q, want TestUse", f.Test)
			}
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "error: ") || !strings.Contains(got[0], "janitor") {
		t.Errorf("blocked-forever findings %q, want one error naming janitor", got)
	}
}

// TestHandedOffLockOrdersNothing: a lock handed to a goroutine that only
// releases it is not the locker's in lock order, is not held across the
// locker's wait for the helper, and the helper does not "take" it.
func TestHandedOffLockOrdersNothing(t *testing.T) {
	t.Parallel()
	dir := programModule(t, "handedge")
	out := t.TempDir()
	code, _, stderr := lockscope(t, dir, "test", "./...", "--out", out, "--format", "json", "--fail-on", "warning")
	if res := readFindings(t, out); code != ExitOK || len(res.Findings) != 0 {
		t.Errorf("exit %d, findings:\n%s\n%s", code, summarize(res), stderr)
	}
}

// programModule copies the module testdata/programs/NAME into a temporary
// directory and returns it.
func programModule(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("testdata", "programs", name)
	files := map[string]string{}
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(src, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return writeModule(t, files)
}

// testProgram runs `lockscope test ./...` on testdata/programs/NAME, checks
// its exit code and returns its findings.
func testProgram(t *testing.T, name string, exit int) *findings.Result {
	t.Helper()
	dir := programModule(t, name)
	out := t.TempDir()
	code, _, stderr := lockscope(t, dir, "test", "./...", "--out", out, "--format", "json")
	res := readFindings(t, out)
	if code != exit {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exit, summarize(res), stderr)
	}
	return res
}

// bankHangModule is the bank module with a test that hangs
// (testdata/programs/bankhang) instead of the bank's own test.
func bankHangModule(t *testing.T) string {
	t.Helper()
	dir := programModule(t, "bankhang")
	code, err := os.ReadFile(filepath.Join("testdata", "programs", "bank", "bank.go"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bank.go"), code, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPrintUnderReadLockIsNoMixedDeadlock: goroutines that print under a
// read lock wait for each other's writes to standard output. That wait is
// released by the end of another goroutine's I/O, not by anything a lock
// can hold up, so it is a blocking-under-lock warning (the lesson: do not
// hold a lock across I/O) and never a predicted mixed deadlock; the run
// exits 0 at the default --fail-on.
func TestPrintUnderReadLockIsNoMixedDeadlock(t *testing.T) {
	t.Parallel()
	dir := programModule(t, "stdoutlock")
	out := t.TempDir()
	code, _, stderr := lockscope(t, dir, "run", ".", "--out", out, "--format", "json")
	res := readFindings(t, out)
	if len(ofKind(res, "mixed-deadlock")) > 0 || code != ExitOK {
		t.Errorf("exit %d, want 0 and no mixed-deadlock; findings:\n%s\n%s", code, summarize(res), stderr)
	}
	// The I/O wait under the lock was seen and judged: without it the test
	// would pass vacuously.
	if !findingIn(res, "blocking-under-lock", "(*Cache).Lookup") {
		t.Errorf("no blocking-under-lock naming (*Cache).Lookup; findings:\n%s", summarize(res))
	}
}

// TestBlockingUnderLockCountsEveryTime: a program that sleeps under its
// lock twice, at one site, gets one blocking-under-lock finding that says
// it happened twice.
func TestBlockingUnderLockCountsEveryTime(t *testing.T) {
	t.Parallel()
	dir := programModule(t, "sleeptwice")
	out := t.TempDir()
	lockscope(t, dir, "run", ".", "--out", out, "--format", "json")
	res := readFindings(t, out)
	b := ofKind(res, "blocking-under-lock")
	if len(b) != 1 || b[0].Count != 2 {
		t.Errorf("want one blocking-under-lock with count 2; findings:\n%s%+v", summarize(res), b)
	}
}

func ofKind(res *findings.Result, kind findings.Kind) []findings.Finding {
	var out []findings.Finding
	for _, f := range res.Findings {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

// waitIn matches how long a goroutine waited, as findings say it.
var waitIn = regexp.MustCompile(`for (?:at least )?([0-9.]+(?:ms|s|m))`)

// TestHangSaysHowLongGoroutinesWaited: every goroutine of a hang that the
// findings describe as waiting had waited about as long as the run (3s),
// and the findings say so, whether the wait was on a lock (the lock
// runtime's snapshot) or a channel (the execution trace), never "for 0s".
func TestHangSaysHowLongGoroutinesWaited(t *testing.T) {
	t.Parallel()
	dir := programModule(t, "lockedsend")
	out := t.TempDir()
	code, _, stderr := lockscope(t, dir, "run", ".", "--timeout", "3s", "--out", out, "--format", "json")
	res := readFindings(t, out)
	if code != ExitFindings || len(ofKind(res, "hang")) != 1 {
		t.Fatalf("exit %d, want %d and one hang; findings:\n%s\n%s", code, ExitFindings, summarize(res), stderr)
	}
	check := func(what, text string) {
		t.Helper()
		m := waitIn.FindStringSubmatch(text)
		if m == nil {
			t.Errorf("%s does not say how long: %s", what, text)
			return
		}
		if d, err := time.ParseDuration(m[1]); err != nil || d < 2*time.Second {
			t.Errorf("%s says it waited %s, want the 2s or more it did: %s", what, m[1], text)
		}
	}
	hang := ofKind(res, "hang")[0]
	for _, part := range []string{"on chan send in main.(*Box).Put", "waits for"} {
		_, rest, ok := strings.Cut(hang.Message, part)
		if !ok {
			t.Errorf("hang message lacks %q: %s", part, hang.Message)
			continue
		}
		rest, _, _ = strings.Cut(rest, ";")
		rest, _, _ = strings.Cut(rest, ". ")
		check("hang: "+part, part+rest)
	}
	for _, f := range append(ofKind(res, "blocked-forever"), ofKind(res, "mixed-deadlock")...) {
		for _, e := range f.Evidence {
			if strings.Contains(e.Role, "blocked on") {
				check(string(f.Kind)+" evidence", e.Role)
			}
		}
	}
	if len(ofKind(res, "blocked-forever")) == 0 || len(ofKind(res, "mixed-deadlock")) == 0 {
		t.Errorf("want blocked-forever and mixed-deadlock findings too; findings:\n%s", summarize(res))
	}
}
