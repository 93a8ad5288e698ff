package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/lockscope/lockscope/analyzer"
	"github.com/lockscope/lockscope/reports"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// DiagnoseOptions are the flags common to run and test.
type DiagnoseOptions struct {
	OutDir  string
	Timeout time.Duration
	// BuildTimeout bounds instrumenting and building every target.
	BuildTimeout time.Duration
	Race         bool
	Runs         int
	Formats      []string
	FailOn       string
	Verbose      bool
	// Baseline is a baseline file whose findings do not fail the run.
	Baseline string
	// ConfigPath is the configuration file; empty means ConfigName at the
	// module root, if there is one.
	ConfigPath string
	// Exclude comes from the configuration file.
	Exclude []string
	// ContentionThreshold and LongHold are the timing checks' floors.
	ContentionThreshold time.Duration
	LongHold            time.Duration
	// Explore builds the target with scheduling points and gives each run
	// a seed; Seed (not 0) is the first run's seed and implies Explore.
	Explore bool
	Seed    uint64
	// Confirm re-runs the test of each predicted lock-order cycle and
	// mixed deadlock, steered toward it (confirm.go).
	Confirm bool

	// flagsSet names the flags given on the command line, which the
	// configuration file does not override.
	flagsSet map[string]bool
}

var severityRank = map[string]int{analyzer.Error: 3, analyzer.Warning: 2, analyzer.Info: 1, "never": 4}

func addDiagnoseFlags(c *cobra.Command, o *DiagnoseOptions, timeout time.Duration) {
	f := c.Flags()
	f.StringVar(&o.OutDir, "out", "lockscope-out", "directory for findings.json, the reports and the raw artifacts")
	f.DurationVar(&o.Timeout, "timeout", timeout, "deadline per target process; a target still running then is diagnosed as hung and stopped")
	f.BoolVar(&o.Race, "race", false, "build with the race detector")
	f.IntVar(&o.Runs, "runs", 1, "run each target `N` times and merge the results, to expose flaky behaviour")
	f.StringSliceVar(&o.Formats, "format", []string{"html", "json", "text"}, "comma list of report formats: html, json, text, sarif, junit")
	f.StringVar(&o.FailOn, "fail-on", analyzer.Error, "exit 1 when a finding is at least this severe: error, warning, info or never")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "copy the target's output to standard error as it runs")
	f.DurationVar(&o.BuildTimeout, "build-timeout", defaultBuildTimeout, "deadline for instrumenting and building all targets")
	f.StringVar(&o.Baseline, "baseline", "", "baseline `FILE` from 'lockscope baseline': its findings are reported but do not fail the run")
	f.DurationVar(&o.ContentionThreshold, "contention-threshold", analyzer.DefaultMinWait, "report a lock as contended when its waits add up to at least `D` (and to 5% of the target's wall time, over 10 waits or more); 0 reports every contended lock")
	f.DurationVar(&o.LongHold, "long-hold", analyzer.DefaultLongHold, "report a lock held, or waited for, `D` or longer at one time")
	f.BoolVar(&o.Explore, "explore", false, "perturb the schedule at every concurrency operation, differently in each run, to expose bugs that need a rare interleaving; each run's seed is reported")
	f.Uint64Var(&o.Seed, "seed", 0, "with --explore: the first run's seed (`N`; the next runs take N+1, ...), to replay a run the report names; implies --explore")
	f.BoolVar(&o.Confirm, "confirm", false, "after the runs, re-run the test (or program) of each predicted lock-order cycle and mixed deadlock with its goroutines steered into it, to show it deadlock")
	f.StringVar(&o.ConfigPath, "config", "", "configuration `FILE` (default: "+ConfigName+" at the module root, if present)")
}

// flagsGiven records which flags the command line set, so that the
// configuration file fills in only the others.
func flagsGiven(c *cobra.Command) map[string]bool {
	set := map[string]bool{}
	c.Flags().Visit(func(f *pflag.Flag) { set[f.Name] = true })
	return set
}

func (o *DiagnoseOptions) validate() error {
	if _, ok := severityRank[o.FailOn]; !ok {
		return usagef("--fail-on must be error, warning, info or never, not %q", o.FailOn)
	}
	if o.Timeout <= 0 {
		return usagef("--timeout must be positive, not %s", o.Timeout)
	}
	if o.BuildTimeout <= 0 {
		return usagef("--build-timeout must be positive, not %s", o.BuildTimeout)
	}
	if o.Runs < 1 {
		return usagef("--runs must be at least 1, not %d", o.Runs)
	}
	for _, f := range o.Formats {
		if !slices.Contains(reports.Formats(), f) {
			return usagef("unknown --format %q (known: %s)", f, strings.Join(reports.Formats(), ", "))
		}
	}
	return nil
}

// diagnose is the whole job: build and run the target, analyse what it
// recorded, write the reports and decide the verdict.
func diagnose(ctx context.Context, s *Streams, o *DiagnoseOptions, to tracer.Options, target analyzer.Target) error {
	cfg, err := loadConfig(s.Dir, o.ConfigPath)
	if err != nil {
		return err
	}
	if cfg != nil {
		cfg.apply(o)
	}
	if err := o.validate(); err != nil {
		return err
	}
	if err := inModule(to.Dir); err != nil {
		return err
	}
	baseline, err := readBaseline(s, o.Baseline)
	if err != nil {
		return err
	}
	to.Race, to.Timeout, to.Runs, to.OutDir, to.Progress = o.Race, o.Timeout, o.Runs, o.OutDir, s.Err
	to.BuildTimeout = o.BuildTimeout
	to.Explore, to.Seed = o.Explore || o.Seed != 0, o.Seed
	if o.Verbose {
		to.Echo = s.Err
	}
	target.Runs = o.Runs
	start := time.Now()
	budget := o.budget(countTargets(ctx, to, o.BuildTimeout))
	bctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	run, err := tracer.Run(bctx, to)
	if err != nil {
		if bctx.Err() != nil && ctx.Err() == nil {
			err = fmt.Errorf("lockscope's time budget of %s ran out before the targets were built (--build-timeout %s): %w", budget, o.BuildTimeout, err)
		}
		saveFailure(s, o, target, err)
		return err
	}
	target.Dir, target.GoVersion = run.ModuleDir, run.GoVersion
	in := analysisInput(run, target)
	in.Thresholds.LongHoldNs = o.LongHold.Nanoseconds()
	in.Thresholds.MinWaitNs = o.ContentionThreshold.Nanoseconds()
	if o.ContentionThreshold == 0 {
		in.Thresholds.MinWaitNs, in.Thresholds.MinWaitShare, in.Thresholds.MinWaits = -1, -1, -1
	}
	res, err := analyzer.Analyze(in)
	if err != nil {
		return fmt.Errorf("analyse: %w", err)
	}
	if bctx.Err() != nil && ctx.Err() == nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("lockscope's time budget of %s (build deadline plus every target's deadline) ran out: building took longer than --build-timeout, and targets stopped by the budget are reported as timed out", budget))
	}
	if o.Confirm {
		confirmCycles(ctx, s, o, to, target, res, run.Sites)
	}
	gate(res, o, baseline)
	// findings.json is always written
	if err := writeReports(s, o.OutDir, append([]string{"json"}, o.Formats...), res); err != nil {
		return err
	}
	if err := writeProfiles(s, o.OutDir, in); err != nil {
		return err
	}
	fmt.Fprintf(s.Err, "lockscope: done in %s; results in %s\n", time.Since(start).Round(time.Millisecond), o.OutDir)
	return verdict(s, res)
}

func analysisInput(run *tracer.Result, target analyzer.Target) *analyzer.Input {
	in := &analyzer.Input{
		Target: target, Tool: analyzer.Tool{Name: "lockscope", Version: Version()},
		Sites: run.Sites, ModuleDir: run.ModuleDir,
	}
	for _, p := range run.Processes {
		ap := &analyzer.Process{
			Run: p.Run, Package: p.Package, ExitCode: p.ExitCode, TimedOut: p.TimedOut,
			Signal: p.Signal, DurationMs: p.Duration.Milliseconds(), Output: p.OutputTail,
			OutputPath: p.OutputPath, EventsPath: p.EventsPath, StartError: p.StartError,
			RaceLogs: p.RaceLogs, ProfilePrefix: p.ProfilePrefix, TracePath: p.TracePath,
			Seed: p.Seed,
		}
		ap.Events, ap.EventWarnings = readEvents(p.EventsPath)
		if p.OutputTruncated {
			ap.EventWarnings = append(ap.EventWarnings, fmt.Sprintf("the output of %s passed the size cap and was cut; the saved file keeps its start", p.Package))
		}
		in.Processes = append(in.Processes, ap)
	}
	return in
}

func readEvents(path string) ([]event.Event, []string) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, []string{"no lock events were recorded: the target exited before the lock runtime started, or never started"}
	}
	if err != nil {
		return nil, []string{err.Error()}
	}
	defer f.Close()
	evs, warns, err := event.ReadAll(f)
	if err != nil {
		warns = append(warns, err.Error())
	}
	return evs, warns
}

// writeReports writes the reports in formats into dir, says so on stderr,
// and prints the text summary to stdout when text is among them.
func writeReports(s *Streams, dir string, formats []string, res *analyzer.Result) error {
	written, err := reports.WriteDir(dir, slices.Compact(slices.Sorted(slices.Values(formats))), res)
	for _, w := range written {
		fmt.Fprintf(s.Err, "lockscope: wrote %s\n", w)
	}
	if err != nil {
		return err
	}
	if slices.Contains(formats, "text") {
		return reports.Generate(s.Out, "text", res)
	}
	return nil
}

// saveFailure writes what is known when lockscope itself could not finish,
// so that a CI job still has a findings.json to show.
func saveFailure(s *Streams, o *DiagnoseOptions, target analyzer.Target, cause error) {
	res := analyzer.Failure(target, analyzer.Tool{Name: "lockscope", Version: Version()}, cause)
	if _, err := reports.WriteDir(o.OutDir, []string{"json"}, res); err != nil {
		fmt.Fprintf(s.Err, "lockscope: could not save findings.json: %v\n", err)
	}
}

// absDir resolves a path against the streams' working directory.
func absDir(s *Streams, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.Dir, p)
}
