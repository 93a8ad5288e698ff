package cmd

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/lockscope/lockscope/diagnose"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/reports"
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

func addDiagnoseFlags(c *cobra.Command, o *DiagnoseOptions, timeout time.Duration) {
	f := c.Flags()
	f.StringVar(&o.OutDir, "out", "lockscope-out", "directory for findings.json, the reports and the raw artifacts")
	f.DurationVar(&o.Timeout, "timeout", timeout, "deadline per target process; a target still running then is diagnosed as hung and stopped")
	f.BoolVar(&o.Race, "race", false, "build with the race detector")
	f.IntVar(&o.Runs, "runs", 1, "run each target `N` times and merge the results, to expose flaky behaviour")
	f.StringSliceVar(&o.Formats, "format", []string{"html", "json", "text"}, "comma list of report formats: html, json, text, sarif, junit")
	f.StringVar(&o.FailOn, "fail-on", string(findings.Error), "exit 1 when a finding is at least this severe: error, warning, info or never")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "copy the target's output to standard error as it runs")
	f.DurationVar(&o.BuildTimeout, "build-timeout", defaultBuildTimeout, "deadline for instrumenting and building all targets")
	f.StringVar(&o.Baseline, "baseline", "", "baseline `FILE` from 'lockscope baseline': its findings are reported but do not fail the run")
	f.DurationVar(&o.ContentionThreshold, "contention-threshold", diagnose.DefaultContentionThreshold, "report a lock as contended when its waits add up to at least `D` (and to 5% of the target's wall time, over 10 waits or more); 0 reports every contended lock")
	f.DurationVar(&o.LongHold, "long-hold", diagnose.DefaultLongHold, "report a lock held, or waited for, `D` or longer at one time")
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

func (o *DiagnoseOptions) validate() (findings.Severity, error) {
	if o.Timeout <= 0 {
		return "", usagef("--timeout must be positive, not %s", o.Timeout)
	}
	if o.BuildTimeout <= 0 {
		return "", usagef("--build-timeout must be positive, not %s", o.BuildTimeout)
	}
	if o.Runs < 1 {
		return "", usagef("--runs must be at least 1, not %d", o.Runs)
	}
	return validateGate(o.FailOn, o.Formats)
}

// validateGate checks --fail-on and --format, for every command that
// takes them.
func validateGate(failOn string, formats []string) (findings.Severity, error) {
	sev, err := findings.ParseFailOn(failOn)
	if err != nil {
		return "", usagef("%w", err)
	}
	for _, f := range formats {
		if !slices.Contains(reports.Formats(), f) {
			return "", usagef("unknown --format %q (known: %s)", f, strings.Join(reports.Formats(), ", "))
		}
	}
	return sev, nil
}

// runDiagnose fills the driver's options from o (the configuration file
// first, then the flags), runs it, prints the text summary and the
// verdict.
// It returns the driver's outcome too (nil when the run did not finish),
// which the workshop reads.
func runDiagnose(ctx context.Context, s *Streams, o *DiagnoseOptions, do diagnose.Options) (*diagnose.Outcome, error) {
	cfg, err := loadConfig(s.Dir, o.ConfigPath)
	if err != nil {
		return nil, err
	}
	if cfg != nil {
		cfg.apply(o)
	}
	failOn, err := o.validate()
	if err != nil {
		return nil, err
	}
	if err := inModule(do.Dir); err != nil {
		return nil, err
	}
	baseline, err := readBaseline(s, o.Baseline)
	if err != nil {
		return nil, err
	}
	do.OutDir, do.Formats, do.FailOn = absDir(s, o.OutDir), o.Formats, failOn
	do.Timeout, do.BuildTimeout, do.Race, do.Runs = o.Timeout, o.BuildTimeout, o.Race, o.Runs
	do.Explore, do.Seed, do.Confirm = o.Explore, o.Seed, o.Confirm
	do.Baseline, do.BaselinePath, do.Exclude = baseline, o.Baseline, o.Exclude
	do.ContentionThreshold, do.LongHold = o.ContentionThreshold, o.LongHold
	do.Version, do.Log = Version(), s.Err
	if o.Verbose {
		do.Echo = s.Err
	}
	out, err := diagnose.Run(ctx, &do)
	if err != nil {
		return nil, err
	}
	return out, finish(s, o.Formats, out.Result)
}

// finish prints the text summary when text is among formats, says on
// stderr what was set aside, and is errFindings when a finding fails the
// run.
func finish(s *Streams, formats []string, res *findings.Result) error {
	if slices.Contains(formats, "text") {
		if err := reports.Generate(s.Out, "text", res); err != nil {
			return err
		}
	}
	return verdict(s, res)
}

// absDir resolves a path against the streams' working directory.
func absDir(s *Streams, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.Dir, p)
}
