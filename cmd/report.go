package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/lockscope/lockscope/analyzer"
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
		Use:   "report FINDINGS.json [-o FILE] [--format html|text|json|sarif]",
		Short: "Write a report from a saved findings.json",
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
	c.Flags().StringVar(&o.Format, "format", "text", "html, text, json or sarif")
	return c
}

func runReport(s *Streams, o *ReportOptions) error {
	data, err := os.ReadFile(absDir(s, o.Input))
	if err != nil {
		return usagef("read findings: %v", err)
	}
	var res analyzer.Result
	if err := json.Unmarshal(data, &res); err != nil {
		return usagef("%s is not a findings.json: %v", o.Input, err)
	}
	if res.Version != 1 {
		return usagef("%s has findings version %d; this lockscope reads version 1", o.Input, res.Version)
	}
	if o.Output == "" {
		return reports.Generate(s.Out, o.Format, &res)
	}
	f, err := os.Create(absDir(s, o.Output))
	if err != nil {
		return fmt.Errorf("create report: %w", err)
	}
	if err := reports.Generate(f, o.Format, &res); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
