package analyzer

import (
	"slices"

	"github.com/lockscope/lockscope/analyzer/internal/gtrace"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// Per-run evidence and schedule exploration.
//
// With several runs (--runs) or schedule exploration (--explore), every
// finding lists in Seen the runs that produced it on their own: the
// checks are run again over each run's processes alone, and a finding of
// the whole result is seen by a run whose own result has a finding with
// the same ID. Count still adds up occurrences over every process, and a
// lock-order cycle may still be assembled from edges that different runs
// saw (lockdep's strength): such a finding has no run in Seen, and the
// graph's edges say in Runs which runs saw each of them.

// explorePoint reports whether fn is the lock runtime's scheduling point,
// whose sleeps are perturbation, not the program's behaviour.
func explorePoint(fn string) bool {
	name, ok := event.RuntimeName(fn)
	return ok && name == "explorePoint"
}

// withoutExploration drops from sum the blocks that are exploration's own
// sleeps and yields, so that no check reads them as the program's.
func withoutExploration(sum *gtrace.Summary) *gtrace.Summary {
	if sum == nil {
		return nil
	}
	sum.Blocks = slices.DeleteFunc(sum.Blocks, func(b gtrace.Block) bool {
		return slices.ContainsFunc(b.Stack, func(f gtrace.Frame) bool { return explorePoint(f.Func) })
	})
	return sum
}

// runsOf returns the distinct runs of in's processes, in order, with their
// seeds.
func runsOf(in *Input) []findings.RunRef {
	var out []findings.RunRef
	for _, p := range in.Processes {
		if !slices.ContainsFunc(out, func(r findings.RunRef) bool { return r.Run == p.Run }) {
			out = append(out, findings.RunRef{Run: p.Run, Seed: p.Seed})
		}
	}
	slices.SortFunc(out, func(a, b findings.RunRef) int { return a.Run - b.Run })
	return out
}

// markSeen fills Seen on res's findings and Runs on its graph's edges when
// in has several runs or explores; a single-run result says that run saw
// everything.
func markSeen(in *Input, tr traces, res *findings.Result) error {
	runs := runsOf(in)
	exploring := slices.ContainsFunc(runs, func(r findings.RunRef) bool { return r.Seed != 0 })
	if len(runs) == 0 || len(runs) == 1 && !exploring {
		return nil
	}
	res.PerRun = true
	if len(runs) == 1 {
		for i := range res.Findings {
			res.Findings[i].Seen = []findings.RunRef{runs[0]}
		}
		for i := range res.Graph.Edges {
			res.Graph.Edges[i].Runs = []int{runs[0].Run}
		}
		return nil
	}
	seen := map[string][]findings.RunRef{}
	edgeRuns := map[[2]string][]int{}
	for _, r := range runs {
		sub := *in
		sub.Processes = slices.DeleteFunc(slices.Clone(in.Processes), func(p *tracer.Process) bool { return p.Run != r.Run })
		one, err := analyzeOnce(&sub, tr)
		if err != nil {
			return err
		}
		for _, f := range one.Findings {
			if !slices.Contains(seen[f.ID], r) {
				seen[f.ID] = append(seen[f.ID], r)
			}
		}
		for _, e := range one.Graph.Edges {
			edgeRuns[[2]string{e.From, e.To}] = append(edgeRuns[[2]string{e.From, e.To}], r.Run)
		}
	}
	for i := range res.Findings {
		res.Findings[i].Seen = append([]findings.RunRef{}, seen[res.Findings[i].ID]...)
	}
	for i := range res.Graph.Edges {
		e := &res.Graph.Edges[i]
		e.Runs = edgeRuns[[2]string{e.From, e.To}]
	}
	return nil
}
