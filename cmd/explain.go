package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/lockscope/lockscope/findings"
	"github.com/spf13/cobra"
)

// NewCmdExplain builds `lockscope explain`.
func NewCmdExplain(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "explain [KIND]",
		Short: "Explain a finding kind and how to fix it",
		Long:  "Explain what a finding kind means and how to fix it. Without KIND, list the kinds.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("explain takes one finding kind")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
				for _, c := range findings.Checks() {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Kind, c.Severity, c.Title)
				}
				return tw.Flush()
			}
			c := findings.Lookup(findings.Kind(args[0]))
			if c == nil {
				var kinds []string
				for _, c := range findings.Checks() {
					kinds = append(kinds, string(c.Kind))
				}
				return usagef("unknown finding kind %q (known: %s)", args[0], strings.Join(kinds, ", "))
			}
			fmt.Fprintf(s.Out, "%s (%s): %s\n\n%s\n\nHow to fix it:\n\n%s\n", c.Kind, c.Severity, c.Title,
				strings.TrimSpace(c.Doc), strings.TrimSpace(c.Advice))
			return nil
		},
	}
}
