package cmd

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/lockscope/lockscope/diagnose"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/reports"
)

// MergeOptions are the inputs of `lockscope merge`.
type MergeOptions struct {
	Inputs []string
	// Output is the merged findings.json; the other formats go beside it.
	Output   string
	Formats  []string
	FailOn   string
	Baseline string
}

// NewCmdMerge builds `lockscope merge`. runF replaces the run for tests.
func NewCmdMerge(s *Streams, runF func(context.Context, *Streams, *MergeOptions) error) *cobra.Command {
	o := &MergeOptions{}
	c := &cobra.Command{
		Use:   "merge FINDINGS.json... [-o all.json] [--format LIST]",
		Short: "Merge the findings of sharded runs into one result and one report",
		Long: `Merge the findings.json files of sharded CI jobs (one per package set, as
a CI matrix runs them) into one result, as if one run had covered them all:
findings are merged by ID with their counts summed, the lock-order graphs and
contention merged, the runs listed together. Reports in --format are written
beside the output file, and the exit code is judged at --fail-on as for run
and test, so the merge job can be the gate while the shards run with
--fail-on never.`,
		Example: "  lockscope merge shard-*/findings.json -o all.json --format sarif,junit,text",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("merge needs at least one findings.json")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Inputs = args
			if runF != nil {
				return runF(c.Context(), s, o)
			}
			return runMerge(s, o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.Output, "output", "o", "findings.json", "merged findings.json to write")
	f.StringSliceVar(&o.Formats, "format", nil, "comma list of reports to write beside the output: html, text, sarif, junit (text also goes to standard output)")
	f.StringVar(&o.FailOn, "fail-on", string(findings.Error), "exit 1 when a merged finding is at least this severe: error, warning, info or never")
	f.StringVar(&o.Baseline, "baseline", "", "baseline `FILE` to apply to the merged result")
	return c
}

func runMerge(s *Streams, o *MergeOptions) error {
	failOn, err := validateGate(o.FailOn, o.Formats)
	if err != nil {
		return err
	}
	baseline, err := readBaseline(s, o.Baseline)
	if err != nil {
		return err
	}
	var rs []*findings.Result
	for _, in := range o.Inputs {
		r, err := readResult(s, in)
		if err != nil {
			return err
		}
		rs = append(rs, r)
	}
	res, err := findings.Merge(rs)
	if err != nil {
		return usagef("merge: %w", err)
	}
	if baseline != nil {
		baseline.Apply(res, o.Baseline)
	}
	res.FailOn = failOn
	out := absDir(s, o.Output)
	if err := writeFile(out, func(w io.Writer) error { return reports.Generate(w, "json", res) }); err != nil {
		return err
	}
	fmt.Fprintf(s.Err, "lockscope: merged %d results into %s\n", len(rs), o.Output)
	var others []string
	for _, f := range o.Formats {
		if f != "json" {
			others = append(others, f)
		}
	}
	written, err := diagnose.WriteReports(filepath.Dir(out), others, res)
	for _, w := range written {
		fmt.Fprintf(s.Err, "lockscope: wrote %s\n", w)
	}
	if err != nil {
		return err
	}
	return finish(s, others, res)
}
