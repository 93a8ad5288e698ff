package cmd

import (
	"github.com/spf13/cobra"
)

// NewCmdRoot builds the lockscope command tree over the given streams.
func NewCmdRoot(s *Streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "lockscope",
		Short: "Find deadlocks, lock-order violations and races in Go programs and tests",
		Long: `lockscope runs Go code under instrumented locks, with no source changes, and
reports what can deadlock or race: lock-order cycles of any length (predicted,
as Linux lockdep does, even when this run did not deadlock), double locks,
recursive read locks, leaked locks and hangs, with the evidence and a fix.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetIn(s.In)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(
		NewCmdRun(s, nil),
		NewCmdTest(s, nil),
		NewCmdScenarios(s),
		NewCmdReport(s, nil),
		NewCmdBaseline(s, nil),
		NewCmdMerge(s, nil),
		NewCmdExplain(s),
		NewCmdWorkshop(s, nil),
		NewCmdVersion(s),
	)
	return root
}
