package cmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// corpusCase is one module of testdata/corpus, run the same way with
// `go test` and with `lockscope test`.
type corpusCase struct {
	name string   // also the directory under testdata/corpus
	dir  string   // where to run, relative to the case directory; "" for it
	args []string // go test flags (after -- for lockscope)
	env  []string // extra environment for both
	// want lists tests that must be in the results, so that a case cannot
	// pass by running nothing on both sides.
	want []string
}

// corpus covers the build setups in which lockscope must build exactly what
// `go test` builds: go lines from 1.13 to 1.27 and toolchain lines, workspaces, vendoring, local
// replacements, build flags, GOFLAGS, cgo, external test packages,
// generated files with //line directives, testdata read relative to the
// package, and tests that fail.
var corpus = []corpusCase{
	{name: "go113", want: []string{"TestOldGoLine"}},
	{name: "go120", want: []string{"TestSharedLoopVariable"}},
	{name: "go121", want: []string{"TestSharedLoopVariable"}},
	{name: "go122", want: []string{"TestPerIterationLoopVariable"}},
	{name: "go127", want: []string{"TestBuiltWithGo127"}},
	{name: "workspace", dir: "app", want: []string{"TestHit"}},
	{name: "vendored", want: []string{"TestFromVendor"}},
	{name: "replace", dir: "app", want: []string{"TestReplacedDependency"}},
	{name: "flags", args: []string{"-tags", "special", "-ldflags", "-X example.com/flags.Version=v9", "-gcflags=all=-N -l"},
		want: []string{"TestTagged"}},
	{name: "goflags", env: []string{"GOFLAGS=-tags=envtag"}, want: []string{"TestFromGOFLAGS"}},
	{name: "cgo", want: []string{"TestAdd"}},
	{name: "xtest", want: []string{"TestPutGet"}},
	{name: "generated", want: []string{"TestLookup"}},
	{name: "testdatadir", want: []string{"TestReadsTestdata"}},
	{name: "failing", want: []string{"TestFails", "TestPasses", "TestSkipped", "TestSubtests/bad"}},
}

// TestCorpusSameAsGoTest runs every corpus module with plain `go test -json`
// and with `lockscope test`, on the Go toolchain at hand and on Go 1.27
// (fetched from the module proxy by GOTOOLCHAIN), and requires the same
// tests to pass, fail and skip: what lockscope runs is what go test runs.
func TestCorpusSameAsGoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs 30 modules")
	}
	bin := buildLockscope(t)
	for _, toolchain := range []string{"local", "go1.27.3"} {
		for _, c := range corpus {
			t.Run(toolchain+"/"+c.name, func(t *testing.T) {
				t.Parallel() // side by side with each other only: the parent is not parallel
				dir, err := filepath.Abs(filepath.Join("testdata", "corpus", c.name, c.dir))
				if err != nil {
					t.Fatal(err)
				}
				tc := toolchain
				if tc == "local" {
					tc = "auto" // local unless the module asks for newer
				}
				env := append(append(os.Environ(), "GOTOOLCHAIN="+tc, "GOFLAGS=", "GOWORK="), c.env...)
				want := goTestResults(t, dir, env, c.args)
				got := lockscopeResults(t, bin, dir, env, c.args)
				for _, name := range c.want {
					if _, ok := want[name]; !ok {
						t.Errorf("go test did not run %s: %v", name, want)
					}
				}
				if !maps.Equal(got, want) {
					t.Errorf("test results differ\n go test:   %v\n lockscope: %v", want, got)
				}
			})
		}
	}
}

// buildLockscope builds the lockscope binary (without the race detector,
// as users get it) and returns its path.
func buildLockscope(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lockscope")
	cmd := exec.Command("go", "build", "-o", bin, "./lockscope")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build lockscope: %v\n%s", err, out)
	}
	return bin
}

// goTestResults runs go test -json and returns each test's outcome.
func goTestResults(t *testing.T, dir string, env, args []string) map[string]string {
	t.Helper()
	cmd := exec.Command("go", append(append([]string{"test", "-json", "-count=1"}, args...), "./...")...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("go test: %v", err)
	}
	res := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var ev struct{ Action, Test string }
		if json.Unmarshal(sc.Bytes(), &ev) == nil && ev.Test != "" &&
			(ev.Action == "pass" || ev.Action == "fail" || ev.Action == "skip") {
			res[ev.Test] = ev.Action
		}
	}
	if len(res) == 0 {
		t.Fatalf("go test ran no test: %v\n%s%s", err, out, stderr.String())
	}
	return res
}

// testResult matches a verbose test binary's result lines.
var testResult = regexp.MustCompile(`(?m)^\s*--- (PASS|FAIL|SKIP): (\S+) \(`)

// lockscopeResults runs lockscope test with -v and reads each test's
// outcome from the test binaries' saved output.
func lockscopeResults(t *testing.T, bin, dir string, env, args []string) map[string]string {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command(bin, append([]string{"test", "--out", out, "--format", "json", "./...", "--", "-v"}, args...)...)
	cmd.Dir, cmd.Env = dir, env
	combined, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() == 2) {
		t.Fatalf("lockscope test: %v\n%s", err, combined)
	}
	logs, _ := filepath.Glob(filepath.Join(out, "artifacts", "*.output.log"))
	res := map[string]string{}
	for _, l := range logs {
		data, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range testResult.FindAllStringSubmatch(string(data), -1) {
			res[m[2]] = strings.ToLower(m[1])
		}
	}
	if len(res) == 0 {
		t.Fatalf("lockscope ran no test:\n%s", combined)
	}
	return res
}
