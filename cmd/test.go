package cmd

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lockscope/lockscope/diagnose"
	"github.com/lockscope/lockscope/findings"
)

// TestOptions are the inputs of `lockscope test`.
type TestOptions struct {
	DiagnoseOptions
	Packages  []string
	TestFlags []string
}

const testTimeout = 60 * time.Second

// NewCmdTest builds `lockscope test`. runF replaces the run for tests; nil means runTest.
func NewCmdTest(s *Streams, runF func(context.Context, *Streams, *TestOptions) error) *cobra.Command {
	o := &TestOptions{}
	c := &cobra.Command{
		Use:   "test [PACKAGES...] [-- GOTESTFLAGS]",
		Short: "Run your package tests under instrumented locks",
		Long: `Run the tests of packages of the module around the current directory
(default ./...) under instrumented locks, with no source changes, and report
lock-order violations, double locks, leaked locks and hangs.

Flags after -- are go test flags (-run, -count, -tags, -v, ...).`,
		Example: "  lockscope test ./...\n  lockscope test ./store -- -run TestReplica -count 3\n  lockscope test --timeout 2m --fail-on warning",
		RunE: func(c *cobra.Command, args []string) error {
			o.Packages, o.TestFlags = args, nil
			if dash := c.ArgsLenAtDash(); dash >= 0 {
				o.Packages, o.TestFlags = args[:dash], args[dash:]
			}
			o.flagsSet = flagsGiven(c)
			if len(o.Packages) == 0 {
				o.Packages = []string{"./..."}
			}
			if runF != nil {
				return runF(c.Context(), s, o)
			}
			return runTest(c.Context(), s, o)
		},
	}
	addDiagnoseFlags(c, &o.DiagnoseOptions, testTimeout)
	return c
}

func runTest(ctx context.Context, s *Streams, o *TestOptions) error {
	do := diagnose.Options{Dir: s.Dir, Patterns: o.Packages, Test: true, Args: o.TestFlags,
		Target: findings.Target{Kind: "test", Name: strings.Join(o.Packages, " ")}}
	_, err := runDiagnose(ctx, s, &o.DiagnoseOptions, do)
	return err
}

// inModule checks that dir is inside a Go module, which lockscope needs to
// build and rewrite the code, and says so plainly when it is not.
func inModule(dir string) error {
	if _, ok := moduleRoot(dir); !ok {
		return usagef("%s is not inside a Go module (no go.mod here or above): run lockscope in your module, or 'go mod init' one", dir)
	}
	return nil
}
