package cmd

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/scenarios"
)

// lockscope runs the command in-process, as a user would from dir, and
// returns its exit code and output.
func lockscope(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Execute(&Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Dir: dir}, args)
	return code, out.String(), errb.String()
}

func readFindings(t *testing.T, outDir string) *findings.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(outDir, "findings.json"))
	if err != nil {
		t.Fatalf("findings.json: %v", err)
	}
	var res findings.Result
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("findings.json does not decode: %v", err)
	}
	return &res
}

// lockMatches reports whether a finding's lock name is the expected one: the
// class name itself, or an instance of it ("Account.mu#2 (...)").
func lockMatches(got, want string) bool {
	return got == want || strings.HasPrefix(got, want+"#") || strings.HasPrefix(got, want+" ")
}

func hasFinding(res *findings.Result, kind findings.Kind, locks []string) bool {
	for _, f := range res.Findings {
		if f.Kind != kind {
			continue
		}
		all := true
		for _, want := range locks {
			found := false
			for _, got := range f.Locks {
				found = found || lockMatches(got, want)
			}
			all = all && found
		}
		if all {
			return true
		}
	}
	return false
}

func summarize(res *findings.Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		b.WriteString(string(f.Kind) + " " + strings.Join(f.Locks, ",") + ": " + f.Title + "\n")
	}
	return b.String()
}

// TestScenarios runs every built-in scenario through the whole pipeline: the
// buggy variant must yield its expected findings on the expected locks and
// exit 1; the fixed variant must yield nothing and exit 0.
func TestScenarios(t *testing.T) {
	for _, sc := range scenarios.All() {
		for _, variant := range sc.Variants() {
			t.Run(sc.Name+"/"+variant, func(t *testing.T) {
				t.Parallel()
				out := t.TempDir()
				args := []string{"run", sc.Name, "--variant", variant, "--out", out, "--format", "json,text", "--fail-on", "warning"}
				if variant == "buggy" && slices.Contains(sc.Flags, "--explore") {
					args = append(args, "--runs", "8") // found in most runs, not all
				}
				code, stdout, stderr := lockscope(t, t.TempDir(), args...)
				res := readFindings(t, out)
				if variant == "fixed" {
					if code != ExitOK || len(res.Findings) != 0 {
						t.Fatalf("fixed variant: exit %d, findings:\n%s\nstderr:\n%s", code, summarize(res), stderr)
					}
					return
				}
				if code != ExitFindings {
					t.Errorf("buggy variant: exit %d, want %d\nstderr:\n%s", code, ExitFindings, stderr)
				}
				for _, e := range sc.Expect {
					if !hasFinding(res, e.Kind, e.Locks) {
						t.Errorf("buggy variant: no %s on %v; findings:\n%s\nstdout:\n%s", e.Kind, e.Locks, summarize(res), stdout)
					}
				}
			})
		}
	}
}

// writeModule writes files (relative path -> content) into a new module dir.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// treeHash fingerprints every file under dir, names and contents.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		h.Write([]byte(p + "\x00"))
		h.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(h.Sum(nil))
}

// TestTestCommandFindsCycleInUserModule: lockscope test on a module it has
// never seen names the cycle by the user's own lock names, across one
// sequential test (no deadlock happened), and leaves the module untouched.
func TestTestCommandFindsCycleInUserModule(t *testing.T) {
	t.Parallel()
	mod := programModule(t, "bank")
	before := treeHash(t, mod)
	out := t.TempDir()
	code, stdout, stderr := lockscope(t, mod, "test", "./...", "--out", out, "--format", "json,text")
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitFindings, stdout, stderr)
	}
	res := readFindings(t, out)
	if !hasFinding(res, "lock-order-cycle", []string{"Account.mu", "Ledger.mu"}) {
		t.Errorf("no lock-order-cycle on Account.mu and Ledger.mu; findings:\n%s", summarize(res))
	}
	if !strings.Contains(stdout, "bank.go:") {
		t.Errorf("text summary has no bank.go:LINE location:\n%s", stdout)
	}
	if after := treeHash(t, mod); after != before {
		t.Errorf("lockscope changed the user's module")
	}
}

// TestHangIsStoppedAndDiagnosed: a test that truly deadlocks is stopped
// at --timeout and reported as a hang naming the locks in the wait-for cycle.
func TestHangIsStoppedAndDiagnosed(t *testing.T) {
	t.Parallel()
	mod := bankHangModule(t)
	out := t.TempDir()
	start := time.Now()
	code, stdout, stderr := lockscope(t, mod, "test", "--timeout", "5s", "--out", out, "--format", "json,text")
	elapsed := time.Since(start)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitFindings, stdout, stderr)
	}
	res := readFindings(t, out)
	if !hasFinding(res, "hang", []string{"Account.mu"}) {
		t.Errorf("no hang finding on Account.mu; findings:\n%s", summarize(res))
	}
	// The deadline is 5s; building takes a few more. Far past that means the
	// target was not stopped at its deadline.
	if elapsed > 90*time.Second {
		t.Errorf("lockscope took %s with --timeout 5s", elapsed)
	}
}

// TestBuildFailureExits2WithCompilerOutput: a target that does not compile
// is lockscope's exit 2, with the compiler's own words and a findings.json.
func TestBuildFailureExits2WithCompilerOutput(t *testing.T) {
	t.Parallel()
	mod := writeModule(t, map[string]string{"go.mod": "module example.com/bank\n\ngo 1.22\n", "bank.go": "package bank\n\nfunc Broken() int { return \"x\" }\n"})
	out := t.TempDir()
	code, _, stderr := lockscope(t, mod, "test", "--out", out)
	if code != ExitError {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", code, ExitError, stderr)
	}
	if !strings.Contains(stderr, "bank.go:3") {
		t.Errorf("stderr lacks the compiler's file:line:\n%s", stderr)
	}
	res := readFindings(t, out)
	if !hasFinding(res, "target-failure", nil) {
		t.Errorf("findings.json lacks the target-failure:\n%s", summarize(res))
	}
}

// TestRunProgramWithArgsAndRuns: a user's main package, its arguments after
// --, repeated with --runs and merged into one finding seen twice.
func TestRunProgramWithArgsAndRuns(t *testing.T) {
	t.Parallel()
	mod := programModule(t, "srv")
	out := t.TempDir()
	code, stdout, stderr := lockscope(t, mod, "run", "./cmd/server", "--runs", "2", "--out", out, "--format", "json,text", "--", "serve")
	if code != ExitFindings {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	res := readFindings(t, out)
	if len(res.Runs) != 2 || res.Target.Kind != "program" {
		t.Errorf("runs %+v, target %+v", res.Runs, res.Target)
	}
	if len(res.Findings) != 1 || !hasFinding(res, "lock-order-cycle", []string{"main.configMu", "main.cacheMu"}) {
		t.Fatalf("want one lock-order-cycle on main.configMu and main.cacheMu (no target-failure: the args arrived); got:\n%s", summarize(res))
	}
	if res.Findings[0].Count != 2 {
		t.Errorf("the cycle seen in both runs has count %d, want 2", res.Findings[0].Count)
	}

	// The saved result renders again through lockscope report.
	code, text, stderr := lockscope(t, out, "report", "findings.json", "--format", "text")
	if code != ExitOK || !strings.Contains(text, "main.configMu") {
		t.Errorf("report: exit %d\n%s\n%s", code, text, stderr)
	}
}

// goSumLines returns this repository's go.sum lines for the given modules, so
// a test module can require them without the network.
func goSumLines(t *testing.T, modules ...string) string {
	t.Helper()
	data, err := os.ReadFile("../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		for _, m := range modules {
			if strings.HasPrefix(line, m+" ") {
				b.WriteString(line + "\n")
			}
		}
	}
	return b.String()
}

// TestMisuseAndGoDeadlockModules: code written against go-deadlock is
// instrumented like code using sync, and an Unlock of an unlocked mutex is
// reported with its stack although Go's fatal error kills the test binary.
func TestMisuseAndGoDeadlockModules(t *testing.T) {
	t.Parallel()
	mod := programModule(t, "mix")
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), []byte(goSumLines(t, "github.com/sasha-s/go-deadlock", "github.com/petermattis/goid")), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	code, stdout, stderr := lockscope(t, mod, "test", "./...", "--out", out, "--format", "json,text")
	if code != ExitFindings {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	res := readFindings(t, out)
	if !hasFinding(res, "lock-order-cycle", []string{"Registry.mu", "Entry.mu"}) {
		t.Errorf("go-deadlock locks: no cycle on Registry.mu and Entry.mu; findings:\n%s", summarize(res))
	}
	found := false
	for _, f := range res.Findings {
		if f.Kind == "unlock-of-unlocked" && hasFinding(res, f.Kind, []string{"Pool.mu"}) {
			for _, e := range f.Evidence {
				for _, fr := range e.Stack {
					found = found || (strings.HasSuffix(fr.File, "pool.go") && fr.Line == 7)
				}
			}
		}
	}
	if !found {
		t.Errorf("no unlock-of-unlocked on Pool.mu with pool.go:7 in its stack; findings:\n%s", summarize(res))
	}
}

// TestRaceOnlyFailureIsItsRaces: test binaries that fail only because the
// race detector fired — a race in TestMain (a bare FAIL after "race
// detected outside of test execution") and parallel subtests that log and
// race — give their data-race findings and no target-failure.
func TestRaceOnlyFailureIsItsRaces(t *testing.T) {
	t.Parallel()
	dir := programModule(t, "raceonly")
	out := t.TempDir()
	code, _, stderr := lockscope(t, dir, "test", "./...", "--race", "--out", out, "--format", "json")
	res := readFindings(t, out)
	races := map[string]bool{}
	for _, f := range res.Findings {
		switch f.Kind {
		case "target-failure":
			t.Errorf("target-failure beside the races: %s: %s", f.Title, f.Message)
		case "data-race":
			races[f.Package] = true
		}
	}
	if code != ExitFindings || !races["example.com/raceonly/outside"] || !races["example.com/raceonly/logged"] {
		t.Errorf("exit %d, data races in %v; want %d and races in both packages; findings:\n%s\n%s", code, races, ExitFindings, summarize(res), stderr)
	}
}

// TestGatedWriterCycleIsNotReported: docs/real-world.md's reproduction of
// bbolt's false cycle. mm is write-locked only in Close, under rw and
// meta, so the cycles through meta that need a writer queued on mm cannot
// deadlock; the inversion of mm and rw is real and stays.
func TestGatedWriterCycleIsNotReported(t *testing.T) {
	t.Parallel()
	dir := programModule(t, "gated")
	out := t.TempDir()
	lockscope(t, dir, "test", "./...", "--out", out, "--format", "json")
	res := readFindings(t, out)
	var cycles []string
	for _, f := range res.Findings {
		if f.Kind == "lock-order-cycle" {
			cycles = append(cycles, strings.Join(f.Locks, " -> "))
		}
	}
	if len(cycles) != 1 || cycles[0] != "DB.mm -> DB.rw" {
		t.Errorf("cycles %q, want only DB.mm -> DB.rw; findings:\n%s", cycles, summarize(res))
	}
}
