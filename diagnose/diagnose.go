package diagnose

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/lockscope/lockscope/analyzer"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/reports"
	"github.com/lockscope/lockscope/tracer"
)

// Options say what to run and how to judge it. Paths are absolute.
type Options struct {
	// Dir is the directory Patterns are resolved in: inside the module to
	// build.
	Dir      string
	Patterns []string
	// Test runs the packages' tests; otherwise Patterns name one main
	// package.
	Test bool
	// Args go to the program, or to go test (build flags and test flags).
	Args []string
	// Target names what is run in findings.json.
	Target findings.Target

	OutDir string
	// Formats are the reports to write besides findings.json, which is
	// always written.
	Formats []string
	// Timeout is each target process's deadline; BuildTimeout bounds
	// instrumenting and building every target.
	Timeout      time.Duration
	BuildTimeout time.Duration
	Race         bool
	Runs         int
	// Explore perturbs the schedule; Seed (not 0) is the first run's seed
	// and implies Explore.
	Explore bool
	Seed    uint64
	// Confirm re-runs the test of each predicted lock-order cycle and
	// mixed deadlock, steered toward it (confirm.go).
	Confirm bool

	// FailOn is the severity from which an active finding fails the run.
	FailOn findings.Severity
	// Baseline, when not nil, holds accepted findings, read from
	// BaselinePath; they are reported but do not fail the run.
	Baseline     *findings.Baseline
	BaselinePath string
	// Exclude lists module-relative paths whose findings are suppressed.
	Exclude []string
	// ContentionThreshold and LongHold are the timing checks' floors; a
	// ContentionThreshold of 0 reports every contended lock.
	ContentionThreshold time.Duration
	LongHold            time.Duration

	// Version is lockscope's version, recorded in findings.json.
	Version string
	// Log receives progress and what was written; Echo, when not nil, the
	// target's output as it runs.
	Log  io.Writer
	Echo io.Writer
}

// The timing checks' defaults, for flags.
const (
	DefaultContentionThreshold = analyzer.DefaultMinWait
	DefaultLongHold            = analyzer.DefaultLongHold
)

// Outcome is what a finished Run produced.
type Outcome struct {
	Result *findings.Result
	// Written lists the files written into OutDir.
	Written []string
	// Failing are the findings that fail the run at Options.FailOn.
	Failing []*findings.Finding
}

// Run is the whole job: build and run the target, analyse what it recorded,
// apply the gate, write the reports. On an error, findings.json still says
// what happened.
func Run(ctx context.Context, o *Options) (*Outcome, error) {
	start := time.Now()
	to := o.tracerOptions()
	budget := o.budget(tracer.CountTargets(ctx, to, o.BuildTimeout))
	bctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	run, err := tracer.Run(bctx, to)
	if err != nil {
		if bctx.Err() != nil && ctx.Err() == nil {
			err = fmt.Errorf("lockscope's time budget of %s ran out before the targets were built (--build-timeout %s): %w", budget, o.BuildTimeout, err)
		}
		o.saveFailure(err)
		return nil, err
	}
	o.Target.Dir, o.Target.GoVersion = run.ModuleDir, run.GoVersion
	res, err := analyzer.Analyze(o.analysisInput(run))
	if err != nil {
		return nil, fmt.Errorf("analyse: %w", err)
	}
	if bctx.Err() != nil && ctx.Err() == nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("lockscope's time budget of %s (build deadline plus every target's deadline) ran out: building took longer than --build-timeout, and targets stopped by the budget are reported as timed out", budget))
	}
	if o.Confirm {
		o.confirmCycles(ctx, to, res, run)
	}
	Gate(res, o.FailOn, o.Exclude, o.Baseline, o.BaselinePath)
	written, err := WriteReports(o.OutDir, append([]string{"json"}, o.Formats...), res)
	o.logWritten(written)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Log, "lockscope: done in %s; results in %s\n", time.Since(start).Round(time.Millisecond), o.OutDir)
	return &Outcome{Result: res, Written: written, Failing: res.Failing(res.FailOn)}, nil
}

func (o *Options) tracerOptions() tracer.Options {
	return tracer.Options{
		Dir: o.Dir, Patterns: o.Patterns, Test: o.Test, Args: o.Args,
		Race: o.Race, Timeout: o.Timeout, BuildTimeout: o.BuildTimeout, Runs: o.Runs, OutDir: o.OutDir,
		Explore: o.Explore || o.Seed != 0, Seed: o.Seed,
		Progress: o.Log, Echo: o.Echo,
	}
}

func (o *Options) analysisInput(run *tracer.Result) *analyzer.Input {
	target := o.Target
	target.Runs = o.Runs
	in := &analyzer.Input{
		Target: target, Tool: o.tool(),
		Sites: run.Sites, ModuleDir: run.ModuleDir, Processes: run.Processes,
	}
	in.Thresholds.LongHoldNs = o.LongHold.Nanoseconds()
	in.Thresholds.MinWaitNs = o.ContentionThreshold.Nanoseconds()
	if o.ContentionThreshold == 0 {
		in.Thresholds.MinWaitNs, in.Thresholds.MinWaitShare, in.Thresholds.MinWaits = -1, -1, -1
	}
	return in
}

func (o *Options) tool() findings.Tool { return findings.Tool{Name: "lockscope", Version: o.Version} }

// StopGrace is what stopping one hung target may add to its deadline: the
// lock snapshot (3s), the goroutine dump (2s) and the kill.
const StopGrace = 6 * time.Second

// budget is the longest a whole run may take: the build deadline plus, for
// every target process, its deadline and the grace to stop it. The run's
// context ends there, so lockscope ends even when the go command or a
// target does not.
func (o *Options) budget(targets int) time.Duration {
	return o.BuildTimeout + time.Duration(max(o.Runs, 1)*max(targets, 1))*(o.Timeout+StopGrace)
}

// Gate marks what does not count for failOn: findings suppressed in the
// code or by an excluded path, and findings in the baseline (named
// baselinePath in the result).
func Gate(res *findings.Result, failOn findings.Severity, exclude []string, baseline *findings.Baseline, baselinePath string) {
	if res.Target.Dir != "" {
		findings.ApplySuppressions(res, os.DirFS(res.Target.Dir))
		findings.Exclude(res, exclude)
	}
	if baseline != nil {
		baseline.Apply(res, baselinePath)
	}
	res.FailOn = failOn
}

// WriteReports writes res in formats into dir, each once, and the
// contention profile when the target's locks were waited for. It returns
// the paths written, also when it fails part way.
func WriteReports(dir string, formats []string, res *findings.Result) ([]string, error) {
	formats = append(slices.Clone(formats), "pprof")
	return reports.WriteDir(dir, slices.Compact(slices.Sorted(slices.Values(formats))), res)
}

func (o *Options) logWritten(written []string) {
	for _, w := range written {
		if strings.HasSuffix(w, reports.ContentionFile) {
			fmt.Fprintf(o.Log, "lockscope: wrote %s (go tool pprof -top %s)\n", w, w)
			continue
		}
		fmt.Fprintf(o.Log, "lockscope: wrote %s\n", w)
	}
}

// saveFailure writes what is known when lockscope itself could not finish,
// so that a CI job still has a findings.json to show.
func (o *Options) saveFailure(cause error) {
	res := analyzer.Failure(o.Target, o.tool(), cause)
	if _, err := reports.WriteDir(o.OutDir, []string{"json"}, res); err != nil {
		fmt.Fprintf(o.Log, "lockscope: could not save findings.json: %v\n", err)
	}
}
