package analyzer

import "strings"

// Failure is the Result of a run that lockscope could not finish — a target
// that does not build, an instrumentation error — so that CI still finds a
// findings.json saying what happened. cause's text is kept whole in the
// message; the title carries its first line.
func Failure(target Target, tool Tool, cause error) *Result {
	text := strings.TrimSpace(cause.Error())
	first, _, _ := strings.Cut(text, "\n")
	f := Finding{
		Kind: "target-failure", Severity: Error, Confidence: Observed,
		Title:    "lockscope could not run the target: " + first,
		Message:  text,
		Locks:    []string{},
		Evidence: []Evidence{},
		Advice:   "Fix the error above (for a build failure, the compiler's output is on standard error), then run lockscope again.",
		Count:    1,
	}
	f.ID = fingerprint(f.Kind, nil, []string{target.Kind, target.Name, "abort"})
	return &Result{Version: 1, Tool: tool, Target: target, Findings: []Finding{f}}
}
