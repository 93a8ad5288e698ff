package cmd

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/lockscope/lockscope/reports"
)

// ReportOptions are the inputs of `lockscope report`.
type ReportOptions struct {
	Input  string
	Output string
	Format string
}

// NewCmdReport builds `lockscope report`. runF replaces the run for tests.
func NewCmdReport(s *Streams, runF func(context.Context, *Streams, *ReportOptions) error) *cobra.Command {
	o := &ReportOptions{}
	c := &cobra.Command{
		Use:   "report FINDINGS.json [-o FILE] [--format html|text|json|sarif|junit|pprof]",
		Short: "Write a report from a saved findings.json",
		Example: "  lockscope report lockscope-out/findings.json --format html -o report.html\n" +
			"  lockscope report findings.json --format pprof -o contention.pb.gz && go tool pprof -top contention.pb.gz",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("report takes one findings.json")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Input = args[0]
			if runF != nil {
				return runF(c.Context(), s, o)
			}
			return runReport(s, o)
		},
	}
	c.Flags().StringVarP(&o.Output, "output", "o", "", "file to write (default: standard output)")
	c.Flags().StringVar(&o.Format, "format", "text", "html, text, json, sarif, junit or pprof (the contention profile; needs -o)")
	return c
}

func runReport(s *Streams, o *ReportOptions) error {
	if _, err := validateGate("", []string{o.Format}); err != nil {
		return err
	}
	if o.Format == "pprof" && o.Output == "" {
		return usagef("--format pprof writes a binary profile: give the file with -o")
	}
	res, err := readResult(s, o.Input)
	if err != nil {
		return err
	}
	if o.Output == "" {
		return reports.Generate(s.Out, o.Format, res)
	}
	return writeFile(absDir(s, o.Output), func(w io.Writer) error { return reports.Generate(w, o.Format, res) })
}
