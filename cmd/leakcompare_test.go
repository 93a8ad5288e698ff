package cmd

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	_ "go.uber.org/goleak" // the comparison's copies of the corpus use it; keeps it in go.mod and go.sum
)

// testFuncOpen matches the opening line of a test function or t.Run
// literal, for inserting a per-test check as lockscope's rewriter does.
var testFuncOpen = regexp.MustCompile(`(func\s*(Test\w*)?\(t \*testing\.T\)\s*\{)`)

// TestLeakCorpusComparison runs the leak corpus (testdata/leaks) under
// goleak (defer goleak.VerifyNone(t, goleak.IgnoreCurrent()) in every test
// and subtest) and under the bare goroutine leak profile (each test fails
// when the profile's count grew during it), beside lockscope: a
// differential check against the tool most projects use. Every leaky test
// goleak flags, lockscope flags too, and lockscope flags no clean twin
// (goleak flags some: goroutines their t.Cleanup stops). It logs the table
// in BENCHMARKS.md.
func TestLeakCorpusComparison(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the leak corpus under three tools")
	}
	src, err := filepath.Abs(filepath.Join("testdata", "leaks"))
	if err != nil {
		t.Fatal(err)
	}
	goleak := corpusCopy(t, src, "defer goleak.VerifyNone(t, goleak.IgnoreCurrent());", `"go.uber.org/goleak"`,
		"require go.uber.org/goleak v1.3.0\n", goSumLines(t, "go.uber.org/goleak"), "")
	profile := corpusCopy(t, src, "defer leakProfileCheck(t)();", "", "", "", leakProfileHelper)
	failedG := failedTests(t, goleak, nil)
	var env []string
	if v := goEnv(t, "GOVERSION"); strings.HasPrefix(v, "go1.26") {
		env = []string{"GOEXPERIMENT=goroutineleakprofile"} // built in from Go 1.27, which rejects the name
	}
	failedP := failedTests(t, profile, env)
	out := t.TempDir()
	if code, _, stderr := lockscope(t, src, "test", "./...", "--out", out, "--format", "json"); code != ExitFindings {
		t.Fatalf("lockscope exit %d: %s", code, stderr)
	}
	found := map[string][]string{} // test -> its findings, each "kind (confidence)" once
	for _, f := range readFindings(t, out).Findings {
		if kc := string(f.Kind) + " (" + string(f.Confidence) + ")"; f.Test != "" && !slices.Contains(found[f.Test], kc) {
			found[f.Test] = append(found[f.Test], kc)
		}
	}
	var names []string
	for _, n := range allTests(t, src) {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("| test | lockscope | goleak | leak profile |\n|---|---|---|---|\n")
	for _, n := range names {
		ls := "-"
		if c, ok := found[n]; ok {
			ls = strings.Join(c, ", ")
		}
		b.WriteString("| " + n + " | " + ls + " | " + mark(failedG[n]) + " | " + mark(failedP[n]) + " |\n")
		_, flagged := found[n]
		for name := range found {
			flagged = flagged || strings.HasPrefix(name, n+"/") // a leak of its subtest is its too
		}
		switch leaky := strings.HasPrefix(n, "TestLeak"); {
		case leaky && failedG[n] && !flagged:
			t.Errorf("%s: goleak flags it, lockscope does not", n)
		case !leaky && flagged:
			t.Errorf("%s: a clean twin, flagged by lockscope (%s)", n, found[n])
		}
	}
	t.Logf("\n%s", b.String())
}

// goEnv is the go command's value of key.
func goEnv(t *testing.T, key string) string {
	t.Helper()
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", key, err)
	}
	return strings.TrimSpace(string(out))
}

func mark(b bool) string {
	if b {
		return "flagged"
	}
	return "-"
}

const leakProfileHelper = `
func leakProfileCount() int {
	p := pprof.Lookup("goroutineleak")
	if p == nil {
		return 0
	}
	var b strings.Builder
	p.WriteTo(&b, 1)
	p.WriteTo(&b, 1) // the first can under-report
	var n int
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "goroutineleak profile: total ") {
			fmt.Sscan(strings.TrimPrefix(line, "goroutineleak profile: total "), &n)
		}
	}
	return n
}

func leakProfileCheck(t *testing.T) func() {
	before := leakProfileCount()
	return func() {
		if after := leakProfileCount(); after > before {
			t.Errorf("%d goroutines leaked", after-before)
		}
	}
}
`

// corpusCopy copies the corpus to a new module, inserting check at the top
// of every test and t.Run literal, importing imp in the test file, with
// extra go.mod and go.sum lines and extra code in a helper test file.
func corpusCopy(t *testing.T, src, check, imp, mod, sum, helper string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"go.mod", "leaks.go", "leaks_test.go"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		switch name {
		case "go.mod":
			s += mod
		case "leaks_test.go":
			s = testFuncOpen.ReplaceAllString(s, "${1}"+check)
			if imp != "" {
				s = strings.Replace(s, "import (", "import (\n\t"+imp, 1)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(sum), 0o644); err != nil {
		t.Fatal(err)
	}
	if helper != "" {
		h := "package leaks\n\nimport (\n\t\"fmt\"\n\t\"runtime/pprof\"\n\t\"strings\"\n\t\"testing\"\n)\n" + helper
		if err := os.WriteFile(filepath.Join(dir, "zz_helper_test.go"), []byte(h), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// failedTests runs go test -json in dir and returns the tests that failed.
func failedTests(t *testing.T, dir string, env []string) map[string]bool {
	t.Helper()
	cmd := exec.Command("go", "test", "-count=1", "-json", ".")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	out, _ := cmd.Output()
	failed := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		var ev struct{ Action, Test, Output string }
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Action == "fail" && ev.Test != "" {
			failed[ev.Test] = true
		}
	}
	if strings.Contains(string(out), "build-fail") {
		t.Fatalf("go test in %s did not build:\n%s", dir, out)
	}
	return failed
}

// allTests lists the corpus's tests as go test -list names them, with the
// subtests the corpus has.
func allTests(t *testing.T, dir string) []string {
	t.Helper()
	cmd := exec.Command("go", "test", "-list", ".", ".")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "Test") {
			names = append(names, l)
		}
	}
	return append(names, "TestLeakSubtest/inner", "TestCleanSubtest/inner")
}
