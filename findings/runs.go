package findings

import (
	"slices"
	"strconv"
	"strings"
)

// RunRef names one run and, when exploring, its seed.
type RunRef struct {
	Run  int    `json:"run"`
	Seed uint64 `json:"seed,omitempty"`
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
	if f.Kind != KindLockOrderCycle || len(f.Locks) < 2 {
		return ""
	}
	var parts []string
	for i, l := range f.Locks {
		from, to := LockClass(l), LockClass(f.Locks[(i+1)%len(f.Locks)])
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

// LockClass is the class of a lock name: "Account.mu" for
// "Account.mu#2 (first locked at bank.go:31)".
func LockClass(lock string) string {
	c, _, _ := strings.Cut(lock, "#")
	c, _, _ = strings.Cut(c, " ")
	return c
}
