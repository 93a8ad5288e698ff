package analyzer

import (
	"fmt"
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
)

func runFailure(p *pass) ([]findings.Finding, error) {
	var out []findings.Finding
	for _, pr := range p.Model.Procs {
		if f, ok := p.failure(pr); ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// failure describes why pr failed, unless it did not or another check
// explains it (a hang, a recorded lock misuse that ended the process, data
// races alone).
func (p *pass) failure(pr *proc) (findings.Finding, bool) {
	proc := pr.Process
	failed := proc.StartError != "" || proc.ExitCode != 0 || proc.Signal != ""
	if !failed || proc.TimedOut || len(pr.Misuse) > 0 || p.raceOnlyFailure(proc) {
		return findings.Finding{}, false
	}
	c := diagnose(proc)
	f := findings.Finding{
		Kind: findings.KindTargetFailure, Severity: findings.Error, Confidence: findings.Observed, Package: proc.Package,
		Title:    fmt.Sprintf("%s: %s", subject(proc), c.title),
		Message:  fmt.Sprintf("%s %s: %s.", pr.Label(), exitWords(proc), c.cause),
		Locks:    []string{},
		Evidence: []findings.Evidence{},
		Advice:   c.advice,
	}
	if len(c.tests) > 0 {
		f.Message += " Failed tests: " + strings.Join(c.tests, ", ") + "."
	}
	var funcs []string
	if gs := gotext.ParseDump(proc.OutputTail); len(gs) > 0 && c.kind != "tests" {
		st := trim(gs[0].Frames)
		f.Evidence = append(f.Evidence, findings.Evidence{Role: fmt.Sprintf("goroutine %d [%s] when the process died", gs[0].ID, gs[0].State), Goroutine: gs[0].ID, Stack: st})
		funcs = append(funcs, stackFunc(p.keyFrame(st)))
	}
	f.ID = findings.Fingerprint(f.Kind, nil, append(funcs, proc.Package, c.kind))
	return f, true
}

func subject(proc *tracer.Process) string {
	if proc.Package != "" {
		return proc.Package
	}
	return "the target"
}

func exitWords(proc *tracer.Process) string {
	switch {
	case proc.StartError != "":
		return "could not be started"
	case proc.Signal != "":
		return "was killed by " + proc.Signal
	}
	return fmt.Sprintf("exited with code %d", proc.ExitCode)
}

// cause is what diagnose found in a failed process's output.
type cause struct {
	kind   string // "start", "panic", "fatal", "race", "tests", "build", "exit"
	title  string
	cause  string
	advice string
	tests  []string
}

// diagnose finds a one-line cause in the output, most specific first.
func diagnose(proc *tracer.Process) cause {
	if proc.StartError != "" {
		return cause{kind: "start", title: "could not start", cause: firstLine(proc.StartError),
			advice: "Fix the build or start error shown; lockscope could not run the target."}
	}
	lines := strings.Split(proc.OutputTail, "\n")
	if l, ok := findPrefix(lines, "panic: "); ok {
		return cause{kind: "panic", title: "panicked: " + strings.TrimPrefix(l, "panic: "), cause: l,
			advice: "Fix the panic at the top frame of the panicking goroutine's stack; a panic recovered elsewhere while a lock is held also leaks that lock."}
	}
	if l, ok := findPrefix(lines, "fatal error: "); ok {
		return cause{kind: "fatal", title: l, cause: l,
			advice: "A fatal runtime error cannot be recovered: fix its cause (the stack shows where it happened)."}
	}
	if _, ok := findPrefix(lines, "WARNING: DATA RACE"); ok {
		return cause{kind: "race", title: "the race detector found a data race", cause: "the race detector reported a data race (see the output)",
			advice: "Protect the shared data with a lock or hand it over through a channel; the race report in the output shows both accesses."}
	}
	if tests := failedTests(lines); len(tests) > 0 {
		return cause{kind: "tests", title: fmt.Sprintf("%d test(s) failed", len(tests)), cause: "tests failed", tests: tests,
			advice: "Fix the failing tests; their output (above the FAIL lines) says why."}
	}
	l := lastLine(lines)
	if l == "" {
		l = "no output"
	}
	return cause{kind: "exit", title: "failed", cause: l, advice: "Read the process output for the cause of the failure."}
}

func findPrefix(lines []string, prefix string) (string, bool) {
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, prefix) {
			return l, true
		}
	}
	return "", false
}

// failedTests lists the tests of "--- FAIL: Name (0.00s)" lines.
func failedTests(lines []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		rest, ok := strings.CutPrefix(strings.TrimSpace(l), "--- FAIL: ")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, " ")
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		for _, l := range lines {
			if strings.TrimSpace(l) == "FAIL" || strings.HasPrefix(l, "FAIL\t") {
				return []string{"(unnamed: " + strings.TrimSpace(l) + ")"}
			}
		}
	}
	return out
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(l)
}

func lastLine(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && l != "FAIL" && !strings.HasPrefix(l, "exit status") {
			return l
		}
	}
	return ""
}

// Failure is the Result of a run that lockscope could not finish — a target
// that does not build, an instrumentation error — so that CI still finds a
// findings.json saying what happened. cause's text is kept whole in the
// message; the title carries its first line.
func Failure(target findings.Target, tool findings.Tool, cause error) *findings.Result {
	text := strings.TrimSpace(cause.Error())
	first, _, _ := strings.Cut(text, "\n")
	f := findings.Finding{
		Kind: findings.KindTargetFailure, Severity: findings.Error, Confidence: findings.Observed,
		Title:    "lockscope could not run the target: " + first,
		Message:  text,
		Locks:    []string{},
		Evidence: []findings.Evidence{},
		Advice:   "Fix the error above (for a build failure, the compiler's output is on standard error), then run lockscope again.",
		Count:    1,
	}
	f.ID = findings.Fingerprint(f.Kind, nil, []string{target.Kind, target.Name, "abort"})
	return &findings.Result{Version: 1, Tool: tool, Target: target, Findings: []findings.Finding{f}}
}
