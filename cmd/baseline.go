package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lockscope/lockscope/findings"
	"github.com/spf13/cobra"
)

// BaselineOptions are the inputs of `lockscope baseline`.
type BaselineOptions struct {
	Input  string
	Output string
}

// NewCmdBaseline builds `lockscope baseline`. runF replaces the run for tests.
func NewCmdBaseline(s *Streams, runF func(context.Context, *Streams, *BaselineOptions) error) *cobra.Command {
	o := &BaselineOptions{}
	c := &cobra.Command{
		Use:   "baseline FINDINGS.json [-o lockscope-baseline.json]",
		Short: "Accept the findings of a run, so that only new ones fail later runs",
		Long: `Write the findings of a saved findings.json as a baseline: runs given
--baseline FILE still report those findings, marked as baselined, but they do
not count for --fail-on, and a baselined finding that is gone is reported as
fixed. Findings are matched by their stable ID, which survives line shifts,
reformatting and renamed tests. Suppressed findings are left out.`,
		Example: "  lockscope test --fail-on never && lockscope baseline lockscope-out/findings.json\n  lockscope test --baseline lockscope-baseline.json",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("baseline takes one findings.json")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.Input = args[0]
			if runF != nil {
				return runF(c.Context(), s, o)
			}
			return runBaseline(s, o)
		},
	}
	c.Flags().StringVarP(&o.Output, "output", "o", "lockscope-baseline.json", "baseline file to write (- for standard output)")
	return c
}

func runBaseline(s *Streams, o *BaselineOptions) error {
	res, err := readResult(s, o.Input)
	if err != nil {
		return err
	}
	b := findings.NewBaseline(res)
	if o.Output == "-" {
		return b.Write(s.Out)
	}
	if err := writeFile(absDir(s, o.Output), b.Write); err != nil {
		return err
	}
	fmt.Fprintf(s.Err, "lockscope: wrote %s (%d findings accepted)\n", o.Output, len(b.Findings))
	return nil
}

// readResult reads a findings.json.
func readResult(s *Streams, path string) (*findings.Result, error) {
	data, err := os.ReadFile(absDir(s, path))
	if err != nil {
		return nil, usagef("read findings: %w", err)
	}
	var res findings.Result
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, usagef("%s is not a findings.json: %w", path, err)
	}
	if res.Version != 1 {
		return nil, usagef("%s has findings version %d; this lockscope reads version 1", path, res.Version)
	}
	return &res, nil
}

// writeFile writes a file through write, whole or not at all.
func writeFile(path string, write func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
