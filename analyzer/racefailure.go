package analyzer

import (
	"go/ast"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
)

// A process that failed only because the race detector fired is explained
// by its data-race findings; a target-failure beside them would report one
// bug twice.

// raceDetected is the message the testing package adds to a test during
// which a race was reported; raceOutside is what it prints, followed by a
// bare FAIL, when the races happened outside any test (in TestMain, init,
// or a goroutine that outlived its test).
const (
	raceDetected = "race detected during execution of test"
	raceOutside  = "testing: race detected outside of test execution"
)

// raceOnlyFailure reports whether data races alone explain why proc
// failed: the race detector reported races, nothing panicked, and either
// the process exited with the race detector's code 66, or (a test binary,
// exit 1) the testing package said the races happened outside any test and
// no test failed, or every failed test's own messages are raceDetected and
// t.Log output.
func (p *pass) raceOnlyFailure(proc *tracer.Process) bool {
	if proc.StartError != "" || proc.Signal != "" || proc.TimedOut {
		return false
	}
	reps, _ := raceReports(proc)
	if len(reps) == 0 {
		return false
	}
	lines := strings.Split(proc.OutputTail, "\n")
	if _, ok := findPrefix(lines, "panic: "); ok {
		return false
	}
	if _, ok := findPrefix(lines, "fatal error: "); ok {
		return false
	}
	isLog := p.logCalls(proc, reps)
	switch proc.ExitCode {
	case 66:
		return !anyTestFailed(lines) || testsRaceOnly(lines, isLog)
	case 1:
		if _, ok := findPrefix(lines, raceOutside); ok && !anyTestFailed(lines) {
			return true
		}
		return anyTestFailed(lines) && testsRaceOnly(lines, isLog)
	}
	return false
}

func anyTestFailed(lines []string) bool {
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "--- FAIL: ") {
			return true
		}
	}
	return false
}

// testsRaceOnly reports whether every failed test failed by a race: its
// own messages are raceDetected or, as isLog tells from the source, the
// output of t.Log or t.Logf; at least one is raceDetected; and a failed
// test without messages of its own has a failed subtest. A message belongs
// to the test named by the last "=== RUN/CONT/NAME/PAUSE" line (-test.v)
// or "--- FAIL/PASS/SKIP" line (without -test.v, a test's messages follow
// its result line) before it.
func testsRaceOnly(lines []string, isLog func(file string, line int) bool) bool {
	msgs := map[string][]string{}
	var failed []string
	cur := ""
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if name, fail, ok := testHeader(t); ok {
			cur = name
			if fail {
				failed = append(failed, name)
			}
			continue
		}
		if cur != "" && strings.HasPrefix(l, "    ") && testMessage(t) {
			msgs[cur] = append(msgs[cur], t)
		}
	}
	races := 0
	for _, name := range failed {
		if len(msgs[name]) == 0 && !failedChild(failed, name) {
			return false // failed without saying why: t.Fail, or output lost
		}
		for _, m := range msgs[name] {
			if strings.HasSuffix(m, raceDetected) {
				races++
				continue
			}
			file, line := messageSite(m)
			if !isLog(file, line) {
				return false
			}
		}
	}
	return races > 0
}

// testHeader parses the lines the testing package names a test on:
// "=== RUN   TestX", "--- FAIL: TestX (0.00s)" and the like.
func testHeader(t string) (name string, fail, ok bool) {
	for _, p := range []string{"=== RUN ", "=== CONT ", "=== NAME ", "=== PAUSE ", "--- FAIL: ", "--- PASS: ", "--- SKIP: "} {
		if rest, found := strings.CutPrefix(t, p); found {
			name, _, _ = strings.Cut(strings.TrimSpace(rest), " ")
			return name, p == "--- FAIL: ", name != ""
		}
	}
	return "", false, false
}

func failedChild(failed []string, name string) bool {
	for _, f := range failed {
		if strings.HasPrefix(f, name+"/") {
			return true
		}
	}
	return false
}

// testMessage reports whether t looks like "file_test.go:12: message".
func testMessage(t string) bool {
	file, line := messageSite(t)
	return file != "" && line > 0
}

// messageSite returns the file and line a test message starts with.
func messageSite(t string) (string, int) {
	site, rest, ok := strings.Cut(t, ": ")
	name, line, ok2 := strings.Cut(site, ".go:")
	n, err := strconv.Atoi(line)
	if !ok || !ok2 || rest == "" || name == "" || err != nil {
		return "", 0
	}
	return name + ".go", n
}

// logCalls returns a function that tells whether the test message at
// file:line (a base name, or a path under -test.fullpath) was written by a
// t.Log or t.Logf call, from the source of proc's package. The package's
// directory is the one of any frame of the race reports in that package
// (or its _test package); when no frame is, any directory of the module
// that the reports' frames name. Unreadable source says no: the message
// is taken for a failure.
func (p *pass) logCalls(proc *tracer.Process, reps []gotext.RaceReport) func(string, int) bool {
	src := newSources(p.Input.ModuleDir)
	own, module := map[string]bool{}, map[string]bool{}
	for _, r := range reps {
		for _, acc := range []gotext.RaceAccess{r.Current, r.Previous} {
			for _, f := range append(append([]findings.Frame(nil), acc.Stack...), acc.Created...) {
				if pkg := funcPackage(f.Func); f.File != "" && (pkg == proc.Package || pkg == proc.Package+"_test") {
					own[filepath.Dir(f.File)] = true
				}
				if p.inModule(f.File) {
					module[filepath.Dir(f.File)] = true
				}
			}
		}
	}
	dirs := own
	if len(dirs) == 0 {
		dirs = module
	}
	return func(file string, line int) bool {
		paths := []string{file}
		if !filepath.IsAbs(file) {
			paths = nil
			for _, d := range sortedKeys(dirs) {
				paths = append(paths, filepath.Join(d, file))
			}
		}
		for _, path := range paths {
			if f := src.file(path); f != nil {
				return f.logCallAt(line)
			}
		}
		return false
	}
}

// funcPackage is the import path of a function named as in a stack:
// "example.com/kv.(*Counter).Inc" -> "example.com/kv".
func funcPackage(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return ""
	}
	return fn[:slash+1+dot]
}

// logCallAt reports whether a Log or Logf method call spans line and no
// call that fails or skips a test (Error, Fatal, Fail, Skip and their
// variants) does.
func (f *srcFile) logCallAt(line int) bool {
	logs, fails := 0, 0
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if n == nil || f.line(n.Pos()) > line || f.line(n.End()) < line {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "Log", "Logf":
					logs++
				case "Error", "Errorf", "Fatal", "Fatalf", "Fail", "FailNow", "Skip", "Skipf", "SkipNow":
					fails++
				}
			}
		}
		return true
	})
	return logs > 0 && fails == 0
}
