package cmd

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/lockscope/lockscope/scenarios"
)

// scenarioJSON is one entry of `lockscope scenarios --json`.
type scenarioJSON struct {
	Name     string                  `json:"name"`
	Title    string                  `json:"title"`
	Concept  string                  `json:"concept"`
	Variants []string                `json:"variants"`
	Expect   []scenarios.Expectation `json:"expect"`
}

// NewCmdScenarios builds `lockscope scenarios` and `lockscope scenarios show`.
func NewCmdScenarios(s *Streams) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios",
		Long:  "List the built-in scenarios: small programs, each a buggy and a fixed variant of one concurrency mistake.",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			if asJSON {
				return listScenariosJSON(s)
			}
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tCONCEPT\tTITLE")
			for _, sc := range scenarios.All() {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", sc.Name, sc.Concept, sc.Title)
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON")
	c.AddCommand(newCmdScenarioShow(s))
	return c
}

func listScenariosJSON(s *Streams) error {
	list := []scenarioJSON{}
	for _, sc := range scenarios.All() {
		list = append(list, scenarioJSON{sc.Name, sc.Title, sc.Concept, sc.Variants(), sc.Expect})
	}
	enc := json.NewEncoder(s.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(list)
}

func newCmdScenarioShow(s *Streams) *cobra.Command {
	var variant string
	c := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a scenario's narrative and source",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("scenarios show takes one scenario name")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			sc, ok := scenarios.Lookup(args[0])
			if !ok {
				return usagef("no scenario %q; 'lockscope scenarios' lists them", args[0])
			}
			files, err := sc.Files(variant)
			if err != nil {
				return usagef("scenario %s: %w", sc.Name, err)
			}
			fmt.Fprintf(s.Out, "%s — %s\nconcept: %s\n\n%s\n", sc.Name, sc.Title, sc.Concept, strings.TrimSpace(sc.Narrative))
			names := slices.Sorted(func(yield func(string) bool) {
				for n := range files {
					if !yield(n) {
						return
					}
				}
			})
			for _, n := range names {
				fmt.Fprintf(s.Out, "\n--- %s/%s ---\n%s", variant, n, files[n])
			}
			fmt.Fprintf(s.Out, "\nRun it: lockscope run %s --variant %s\n", sc.Name, variant)
			return nil
		},
	}
	c.Flags().StringVar(&variant, "variant", "buggy", "variant to print: buggy or fixed")
	return c
}
