package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lockscope/lockscope/diagnose"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/scenarios"
)

// RunOptions are the inputs of `lockscope run`.
type RunOptions struct {
	DiagnoseOptions
	// Target is a scenario name or the path of a main package.
	Target  string
	Variant string
	Args    []string
	// timeoutSet records whether --timeout was given, since scenarios and
	// programs have different defaults.
	timeoutSet bool
}

const (
	scenarioTimeout = 20 * time.Second
	programTimeout  = 60 * time.Second
)

// NewCmdRun builds `lockscope run`. runF replaces the run for tests; nil means runRun.
func NewCmdRun(s *Streams, runF func(context.Context, *Streams, *RunOptions) error) *cobra.Command {
	o := &RunOptions{}
	c := &cobra.Command{
		Use:   "run NAME|./path/to/main [-- ARGS...]",
		Short: "Run a built-in scenario or a main package under instrumented locks",
		Long: `Run a built-in scenario (see 'lockscope scenarios') or one of your main
packages under instrumented locks, then report what can deadlock.

A NAME without a slash is a scenario; a path (./cmd/server) is a main package
of the module around the current directory. Arguments after -- go to the
program.`,
		Example: "  lockscope run bank-transfer\n  lockscope run bank-transfer --variant fixed\n  lockscope run ./cmd/server -- -port 8080",
		Args: func(c *cobra.Command, args []string) error {
			if c.ArgsLenAtDash() == 0 || len(args) == 0 {
				return usagef("run needs a scenario name or the path of a main package")
			}
			if dash := c.ArgsLenAtDash(); dash > 1 || (dash < 0 && len(args) > 1) {
				return usagef("run takes one target; put the program's arguments after --")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Target, o.Args = args[0], args[1:]
			o.timeoutSet = c.Flags().Changed("timeout")
			o.flagsSet = flagsGiven(c)
			if runF != nil {
				return runF(c.Context(), s, o)
			}
			return runRun(c.Context(), s, o)
		},
	}
	addDiagnoseFlags(c, &o.DiagnoseOptions, programTimeout)
	c.Flags().StringVar(&o.Variant, "variant", "buggy", "scenario variant: buggy or fixed")
	return c
}

func isScenarioName(t string) bool {
	return !strings.ContainsAny(t, `/\`) && t != "." && t != ".."
}

func runRun(ctx context.Context, s *Streams, o *RunOptions) error {
	if !isScenarioName(o.Target) {
		return runProgram(ctx, s, o)
	}
	sc, ok := scenarios.Lookup(o.Target)
	if !ok {
		return usagef("no scenario %q; 'lockscope scenarios' lists them, and a main package is given as a path (./%s)", o.Target, o.Target)
	}
	files, err := sc.Files(o.Variant)
	if err != nil {
		return usagef("scenario %s: %w", sc.Name, err)
	}
	dir, err := scenarioDir(sc.Name, o.Variant)
	if err != nil {
		return err
	}
	_, err = diagnoseScenario(ctx, s, o, sc, dir, files)
	return err
}

// diagnoseScenario lays files out as a module in dir and diagnoses them as the
// scenario sc: the part of 'lockscope run NAME' after the module's place
// is chosen, which the workshop server calls for every run.
func diagnoseScenario(ctx context.Context, s *Streams, o *RunOptions, sc *scenarios.Scenario, dir string, files map[string][]byte) (*diagnose.Outcome, error) {
	if err := sc.WriteModule(dir, files); err != nil {
		return nil, err
	}
	if !o.timeoutSet {
		o.Timeout = scenarioTimeout
	}
	if slices.Contains(sc.Flags, "--race") && !o.flagsSet["race"] && !o.Race {
		o.Race = true
		fmt.Fprintf(s.Err, "lockscope: scenario %s is about data races: running with --race\n", sc.Name)
	}
	if slices.Contains(sc.Flags, "--explore") && !o.flagsSet["explore"] && !o.Explore {
		o.Explore = true
		fmt.Fprintf(s.Err, "lockscope: scenario %s needs a rare interleaving: running with --explore (--explore=false to run without)\n", sc.Name)
	}
	do := diagnose.Options{Dir: dir, Patterns: []string{"."}, Args: o.Args,
		Target: findings.Target{Kind: "scenario", Name: sc.Name, Variant: o.Variant}}
	return runDiagnose(ctx, s, &o.DiagnoseOptions, do)
}

func runProgram(ctx context.Context, s *Streams, o *RunOptions) error {
	if _, err := os.Stat(absDir(s, o.Target)); err != nil {
		return usagef("no main package at %s: %w", o.Target, err)
	}
	pattern := o.Target
	if !strings.HasPrefix(pattern, ".") && !filepath.IsAbs(pattern) {
		pattern = "./" + pattern
	}
	do := diagnose.Options{Dir: s.Dir, Patterns: []string{pattern}, Args: o.Args,
		Target: findings.Target{Kind: "program", Name: o.Target}}
	_, err := runDiagnose(ctx, s, &o.DiagnoseOptions, do)
	return err
}

// scenarioDir is where a scenario variant is laid out as a module: a fixed
// place under the user cache, so that reports are the same from run to run
// and the source files they point to stay there to be opened.
func scenarioDir(name, variant string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "lockscope", "scenarios", name+"-"+variant)
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("clear scenario module: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create scenario module: %w", err)
	}
	return dir, nil
}
