package analyzer

import (
	"slices"
	"strconv"
	"strings"

	"github.com/lockscope/lockscope/tracer/gtrace"
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

// RunRef names one run and, when exploring, its seed.
type RunRef struct {
	Run  int    `json:"run"`
	Seed uint64 `json:"seed,omitempty"`
}

// explorePointFunc is the lock runtime's scheduling point, whose sleeps are
// perturbation, not the program's behaviour.
const explorePointFunc = "github.com/lockscope/lockscope/tracer/lockrt.explorePoint"

// withoutExploration drops from sum the blocks that are exploration's own
// sleeps and yields, so that no check reads them as the program's.
func withoutExploration(sum *gtrace.Summary) *gtrace.Summary {
	if sum == nil {
		return nil
	}
	sum.Blocks = slices.DeleteFunc(sum.Blocks, func(b gtrace.Block) bool {
		return slices.ContainsFunc(b.Stack, func(f gtrace.Frame) bool { return f.Func == explorePointFunc })
	})
	return sum
}

// runsOf returns the distinct runs of in's processes, in order, with their
// seeds.
func runsOf(in *Input) []RunRef {
	var out []RunRef
	for _, p := range in.Processes {
		if !slices.ContainsFunc(out, func(r RunRef) bool { return r.Run == p.Run }) {
			out = append(out, RunRef{Run: p.Run, Seed: p.Seed})
		}
	}
	slices.SortFunc(out, func(a, b RunRef) int { return a.Run - b.Run })
	return out
}

// markSeen fills Seen on res's findings and Runs on its graph's edges when
// in has several runs or explores; a single-run result says that run saw
// everything.
func markSeen(in *Input, res *Result) error {
	runs := runsOf(in)
	exploring := slices.ContainsFunc(runs, func(r RunRef) bool { return r.Seed != 0 })
	if len(runs) == 0 || len(runs) == 1 && !exploring {
		return nil
	}
	res.PerRun = true
	if len(runs) == 1 {
		for i := range res.Findings {
			res.Findings[i].Seen = []RunRef{runs[0]}
		}
		for i := range res.Graph.Edges {
			res.Graph.Edges[i].Runs = []int{runs[0].Run}
		}
		return nil
	}
	seen := map[string][]RunRef{}
	edgeRuns := map[[2]string][]int{}
	for _, r := range runs {
		sub := *in
		sub.Processes = slices.DeleteFunc(slices.Clone(in.Processes), func(p *Process) bool { return p.Run != r.Run })
		one, err := analyzeOnce(&sub)
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
		res.Findings[i].Seen = append([]RunRef{}, seen[res.Findings[i].ID]...)
	}
	for i := range res.Graph.Edges {
		e := &res.Graph.Edges[i]
		e.Runs = edgeRuns[[2]string{e.From, e.To}]
	}
	return nil
}

// SeenWords says how many of res's runs saw finding f on its own — "seen
// in 7 of 20 runs (run 3 seed 8812, ...)" — or "" when res does not say
// (one run, no exploration).
func SeenWords(res *Result, f *Finding) string {
	if !res.PerRun {
		return ""
	}
	runs := len(runsOfResult(res))
	if len(f.Seen) == 0 {
		return "no single run saw all of it: assembled from the observations of several runs" + edgeRunsWords(res, f)
	}
	var b strings.Builder
	b.WriteString("seen in " + strconv.Itoa(len(f.Seen)) + " of " + strconv.Itoa(runs) + " runs")
	var seeds []string
	for _, r := range f.Seen {
		if r.Seed != 0 {
			seeds = append(seeds, "run "+strconv.Itoa(r.Run)+" seed "+strconv.FormatUint(r.Seed, 10))
		}
	}
	if len(seeds) > 0 {
		const most = 5
		more := ""
		if len(seeds) > most {
			more = ", ..."
			seeds = seeds[:most]
		}
		b.WriteString(" (" + strings.Join(seeds, ", ") + more + ")")
	}
	return b.String()
}

// runsOfResult lists the distinct run numbers of res.
func runsOfResult(res *Result) []int {
	var out []int
	for _, r := range res.Runs {
		if !slices.Contains(out, r.Run) {
			out = append(out, r.Run)
		}
	}
	return out
}

// mergeSeen is the union of two Seen lists, sorted by run.
func mergeSeen(a, b []RunRef) []RunRef {
	out := slices.Clone(a)
	for _, r := range b {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(x, y RunRef) int { return x.Run - y.Run })
	return out
}

// Confirmation is the outcome of lockscope --confirm for a predicted
// finding: whether a run steered toward it deadlocked.
type Confirmation struct {
	Status   string `json:"status"` // "confirmed" or "not-confirmed"
	Attempts int    `json:"attempts"`
	// Seed is the seed of the last attempt (the confirming one).
	Seed uint64 `json:"seed,omitempty"`
	// Command replays the attempt.
	Command string `json:"command"`
	// Reason says, in words, why a cycle was not confirmed.
	Reason string `json:"reason,omitempty"`
	// Evidence is the observed deadlock's stacks when confirmed.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// ConfirmationWords says what --confirm did for a finding, in one line.
func ConfirmationWords(c *Confirmation) string {
	if c.Status == "confirmed" {
		return "confirmed: a run steered toward it deadlocked (attempt " + strconv.Itoa(c.Attempts) + "); replay: " + c.Command
	}
	return "not confirmed after " + strconv.Itoa(c.Attempts) + " attempt(s): " + c.Reason + " (still a prediction; replay: " + c.Command + ")"
}

// edgeRunsWords says, for a lock-order cycle, which runs saw each of its
// edges: "; Account.mu → Account.mu in runs 1, 2". Edges are the graph's,
// between classes.
func edgeRunsWords(res *Result, f *Finding) string {
	if f.Kind != "lock-order-cycle" || len(f.Locks) < 2 {
		return ""
	}
	var parts []string
	for i, l := range f.Locks {
		from, to := className(l), className(f.Locks[(i+1)%len(f.Locks)])
		for _, e := range res.Graph.Edges {
			if e.From != from || e.To != to || len(e.Runs) == 0 {
				continue
			}
			runs := make([]string, len(e.Runs))
			for j, r := range e.Runs {
				runs[j] = strconv.Itoa(r)
			}
			w := from + " → " + to + " in run"
			if len(runs) > 1 {
				w += "s"
			}
			if p := w + " " + strings.Join(runs, ", "); !slices.Contains(parts, p) {
				parts = append(parts, p)
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}

// className is the class of a lock name: "Account.mu" for
// "Account.mu#2 (first locked at bank.go:31)".
func className(lock string) string {
	c, _, _ := strings.Cut(lock, "#")
	c, _, _ = strings.Cut(c, " ")
	return c
}
