package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/lockscope/lockscope/diagnose"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/workshop"
)

// WorkshopOptions are the inputs of `lockscope workshop`.
type WorkshopOptions struct {
	// Addr is the address to listen on; port 0 picks a free one.
	Addr string
	// MaxRuns bounds the runs in progress at once.
	MaxRuns int
	// Timeout is each target process's deadline, as run's --timeout.
	Timeout time.Duration
	// BuildTimeout bounds instrumenting and building one run.
	BuildTimeout time.Duration
}

// NewCmdWorkshop builds `lockscope workshop`. runF replaces the server for
// tests; nil means runWorkshop.
func NewCmdWorkshop(s *Streams, runF func(context.Context, *Streams, *WorkshopOptions) error) *cobra.Command {
	o := &WorkshopOptions{}
	c := &cobra.Command{
		Use:   "workshop",
		Short: "Serve the scenario catalogue as a classroom page, with runs",
		Long: `Serve the built-in scenarios as a classroom in the browser: the catalogue in
teaching order, each scenario's story and its buggy and fixed code side by
side, and buttons that run either variant, or your own edit of the buggy one,
through lockscope and show the report.

The first line of standard output is the page's URL. The server listens on
loopback unless --addr says otherwise, answers only requests addressed to it,
and refuses runs asked for by pages of other sites. Stop it with Ctrl-C.`,
		Example: "  lockscope workshop\n  lockscope workshop --addr 127.0.0.1:0",
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if o.MaxRuns < 1 {
				return usagef("--max-runs must be at least 1, not %d", o.MaxRuns)
			}
			if o.Timeout <= 0 || o.BuildTimeout <= 0 {
				return usagef("--timeout and --build-timeout must be positive")
			}
			if runF != nil {
				return runF(c.Context(), s, o)
			}
			return runWorkshop(c.Context(), s, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.Addr, "addr", "127.0.0.1:7070", "`host:port` to listen on; port 0 picks a free port")
	f.IntVar(&o.MaxRuns, "max-runs", 2, "runs in progress at once; more are refused until one ends")
	f.DurationVar(&o.Timeout, "timeout", scenarioTimeout, "deadline per target process, as for 'lockscope run'")
	f.DurationVar(&o.BuildTimeout, "build-timeout", 2*time.Minute, "deadline for instrumenting and building one run")
	return c
}

// runWorkshop listens, prints the URL, and serves until ctx ends.
func runWorkshop(ctx context.Context, s *Streams, o *WorkshopOptions) error {
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return usagef("workshop: %w", err)
	}
	defer ln.Close()
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		fmt.Fprintf(s.Err, "lockscope: the workshop listens on %s, not only on loopback: anyone who can reach it can run code on this machine\n", ln.Addr())
	}
	srv, err := workshop.New(workshop.Options{
		Run:        scenarioRunner(o),
		MaxRuns:    o.MaxRuns,
		RunTimeout: o.BuildTimeout + o.Timeout + diagnose.StopGrace,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "http://%s/\n", ln.Addr())
	fmt.Fprintln(s.Err, "lockscope: workshop ready; stop it with Ctrl-C")
	return srv.Serve(ctx, ln)
}

// scenarioRunner runs a workshop request as 'lockscope run NAME' runs a
// scenario, into the request's directory, with the HTML report.
func scenarioRunner(o *WorkshopOptions) workshop.Runner {
	return func(ctx context.Context, r workshop.Request) (*workshop.Outcome, error) {
		src, out := filepath.Join(r.Dir, "src"), filepath.Join(r.Dir, "out")
		if err := os.MkdirAll(src, 0o755); err != nil {
			return nil, err
		}
		ro := &RunOptions{
			DiagnoseOptions: DiagnoseOptions{
				OutDir: out, Timeout: o.Timeout, BuildTimeout: o.BuildTimeout, Runs: 1,
				Formats: []string{"html"}, FailOn: string(findings.Never),
				ContentionThreshold: diagnose.DefaultContentionThreshold, LongHold: diagnose.DefaultLongHold,
			},
			Target: r.Scenario.Name, Variant: r.Variant, timeoutSet: true,
		}
		rs := &Streams{In: strings.NewReader(""), Out: io.Discard, Err: r.Progress, Dir: src}
		res, err := diagnoseScenario(ctx, rs, ro, r.Scenario, src, r.Files)
		var be *tracer.BuildError
		if errors.As(err, &be) {
			return &workshop.Outcome{BuildOutput: strings.ReplaceAll(be.Output, src+string(filepath.Separator), "")}, nil
		}
		if err != nil {
			return nil, err
		}
		return outcome(res), nil
	}
}

// outcome sums up a finished run for the workshop page.
func outcome(res *diagnose.Outcome) *workshop.Outcome {
	o := &workshop.Outcome{Findings: []workshop.Finding{}}
	for _, f := range res.Result.Findings {
		o.Findings = append(o.Findings, workshop.Finding{Kind: string(f.Kind), Severity: string(f.Severity), Title: f.Title, Locks: f.Locks})
	}
	for _, w := range res.Written {
		if filepath.Base(w) == "report.html" {
			o.Report = w
		}
	}
	return o
}
