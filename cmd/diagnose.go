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

	"github.com/lockscope/lockscope/analyzer"
	"github.com/lockscope/lockscope/reports"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// DiagnoseOptions are the flags common to run and test.
type DiagnoseOptions struct {
	OutDir  string
	Timeout time.Duration
	Race    bool
	Runs    int
	Formats []string
	FailOn  string
	Verbose bool
}

var severityRank = map[string]int{analyzer.Error: 3, analyzer.Warning: 2, analyzer.Info: 1, "never": 4}

func addDiagnoseFlags(c *cobra.Command, o *DiagnoseOptions, timeout time.Duration) {
	f := c.Flags()
	f.StringVar(&o.OutDir, "out", "lockscope-out", "directory for findings.json, the reports and the raw artifacts")
	f.DurationVar(&o.Timeout, "timeout", timeout, "deadline per target process; a target still running then is diagnosed as hung and stopped")
	f.BoolVar(&o.Race, "race", false, "build with the race detector")
	f.IntVar(&o.Runs, "runs", 1, "run each target `N` times and merge the results, to expose flaky behaviour")
	f.StringSliceVar(&o.Formats, "format", []string{"html", "json", "text"}, "comma list of report formats: html, json, text, sarif")
	f.StringVar(&o.FailOn, "fail-on", analyzer.Error, "exit 1 when a finding is at least this severe: error, warning, info or never")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "copy the target's output to standard error as it runs")
}

func (o *DiagnoseOptions) validate() error {
	if _, ok := severityRank[o.FailOn]; !ok {
		return usagef("--fail-on must be error, warning, info or never, not %q", o.FailOn)
	}
	if o.Timeout <= 0 {
		return usagef("--timeout must be positive, not %s", o.Timeout)
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
	if err := o.validate(); err != nil {
		return err
	}
	to.Race, to.Timeout, to.Runs, to.OutDir, to.Progress = o.Race, o.Timeout, o.Runs, o.OutDir, s.Err
	if o.Verbose {
		to.Echo = s.Err
	}
	target.Runs = o.Runs
	start := time.Now()
	run, err := tracer.Run(ctx, to)
	if err != nil {
		saveFailure(s, o, target, err)
		return err
	}
	target.Dir, target.GoVersion = run.ModuleDir, run.GoVersion
	res, err := analyzer.Analyze(analysisInput(run, target))
	if err != nil {
		return fmt.Errorf("analyse: %w", err)
	}
	if err := writeReports(s, o, res); err != nil {
		return err
	}
	fmt.Fprintf(s.Err, "lockscope: done in %s; results in %s\n", time.Since(start).Round(time.Millisecond), o.OutDir)
	return verdict(res, o.FailOn)
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

func writeReports(s *Streams, o *DiagnoseOptions, res *analyzer.Result) error {
	for _, f := range o.Formats {
		if !reports.Available(f) {
			fmt.Fprintf(s.Err, "lockscope: the %s report is not available in this version yet; skipped\n", f)
		}
	}
	formats := append([]string{"json"}, o.Formats...) // findings.json is always written
	written, err := reports.WriteDir(o.OutDir, slices.Compact(slices.Sorted(slices.Values(formats))), res)
	for _, w := range written {
		fmt.Fprintf(s.Err, "lockscope: wrote %s\n", w)
	}
	if err != nil {
		return err
	}
	if slices.Contains(o.Formats, "text") {
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

func verdict(res *analyzer.Result, failOn string) error {
	limit := severityRank[failOn]
	for _, f := range res.Findings {
		if severityRank[f.Severity] >= limit {
			return errFindings
		}
	}
	return nil
}

// absDir resolves a path against the streams' working directory.
func absDir(s *Streams, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.Dir, p)
}
