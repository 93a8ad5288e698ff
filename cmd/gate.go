package cmd

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/lockscope/lockscope/analyzer"
	"github.com/lockscope/lockscope/tracer"
)

// The CI gate: which findings count, and how long a run may take.

const (
	// defaultBuildTimeout bounds instrumenting and building all targets.
	defaultBuildTimeout = 10 * time.Minute
	// stopGrace is what stopping one hung target may add to its deadline:
	// the lock snapshot (3s), the goroutine dump (2s) and the kill.
	stopGrace = 6 * time.Second
)

// budget is the longest a whole run may take: the build deadline plus,
// for every target process, its deadline and the grace to stop it. The
// run's context ends there, so lockscope ends even when the go command or
// a target does not.
func (o *DiagnoseOptions) budget(targets int) time.Duration {
	return o.BuildTimeout + time.Duration(o.Runs*max(targets, 1))*(o.Timeout+stopGrace)
}

// countTargets is how many target processes one repetition starts: one
// program, or one test binary per package with tests. It over-counts
// rather than under-counts; when the go command cannot tell, the build
// will fail and the count does not matter.
func countTargets(ctx context.Context, to tracer.Options, limit time.Duration) int {
	if !to.Test {
		return 1
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	args := append([]string{"list", "-e", "-f", "{{if or .TestGoFiles .XTestGoFiles}}t{{end}}"}, to.Patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = to.Dir // the user's environment: their workspace and GOFLAGS count
	out, err := cmd.Output()
	if err != nil {
		return 1
	}
	return strings.Count(string(out), "t")
}

// readBaseline reads the --baseline file; nil when none is given.
func readBaseline(s *Streams, path string) (*analyzer.Baseline, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(absDir(s, path))
	if err != nil {
		return nil, usagef("baseline: %w", err)
	}
	defer f.Close()
	b, err := analyzer.ReadBaseline(f)
	if err != nil {
		return nil, usagef("%s: %w", path, err)
	}
	return b, nil
}

// gate marks what does not count for --fail-on: findings suppressed in the
// code or by an excluded path, and findings in the baseline.
func gate(res *analyzer.Result, o *DiagnoseOptions, baseline *analyzer.Baseline) {
	if res.Target.Dir != "" {
		analyzer.ApplySuppressions(res, os.DirFS(res.Target.Dir))
		analyzer.Exclude(res, o.Exclude)
	}
	if baseline != nil {
		baseline.Apply(res, o.Baseline)
	}
	res.FailOn = o.FailOn
}

// verdict is errFindings when an active finding is at or above
// res.FailOn; it says on stderr what was set aside.
func verdict(s *Streams, res *analyzer.Result) error {
	limit := severityRank[res.FailOn]
	if res.FailOn == "" {
		limit = severityRank[analyzer.Error]
	}
	var failing, baselined, suppressed int
	for i := range res.Findings {
		f := &res.Findings[i]
		switch {
		case f.Suppression != nil:
			suppressed++
		case f.Baselined:
			baselined++
		case severityRank[f.Severity] >= limit:
			failing++
		}
	}
	if baselined+suppressed+len(res.Fixed) > 0 {
		fmt.Fprintf(s.Err, "lockscope: %d finding(s) at or above --fail-on %s; %d baselined, %d suppressed; %d baselined finding(s) fixed\n",
			failing, orDefault(res.FailOn, analyzer.Error), baselined, suppressed, len(res.Fixed))
		for _, e := range res.Fixed {
			fmt.Fprintf(s.Err, "lockscope: fixed: %s %s (id %s)\n", e.Kind, e.Title, e.ID)
		}
	}
	if failing > 0 {
		return errFindings
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
