package analyzer

import (
	"fmt"
	"sort"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// Analyze runs every check over in and returns the merged, fingerprinted,
// deterministically sorted result. It returns an error only when a check
// broke.
func Analyze(in *Input) (*findings.Result, error) {
	tr := traces{}
	res, err := analyzeOnce(in, tr)
	if err != nil {
		return nil, err
	}
	if err := markSeen(in, tr, res); err != nil {
		return nil, err
	}
	return res, nil
}

// analyzeOnce is Analyze without the per-run evidence (explore.go).
func analyzeOnce(in *Input, tr traces) (*findings.Result, error) {
	p := &pass{Input: in, Model: newModel(in), traces: tr}
	all, done, err := runChecks(p, checks)
	if err != nil {
		return nil, err
	}
	res := &findings.Result{
		Version: 1, Tool: in.Tool, Target: in.Target,
		Findings:   findings.Sort(merge(all)),
		Graph:      p.resultGraph(done[orderCheck].(cycleEdges)),
		Contention: p.contention(),
		Runs:       runs(in),
		Warnings:   append(p.eventWarnings(), p.warnings...),
		Tests:      testRuns(p.Model), // leakproof.go
		WaitStacks: p.waitStacks(),
	}
	return res, nil
}

// merge folds findings with the same ID into the first, counting them.
func merge(fs []findings.Finding) []findings.Finding {
	idx := map[string]int{}
	var out []findings.Finding
	for _, f := range fs {
		if f.Count == 0 {
			f.Count = 1
		}
		if i, ok := idx[f.ID]; ok {
			out[i].Count += f.Count
			if out[i].Package != f.Package {
				out[i].Package = ""
			}
			continue
		}
		idx[f.ID] = len(out)
		out = append(out, f)
	}
	return out
}

func runs(in *Input) []findings.RunSummary {
	var out []findings.RunSummary
	for _, p := range in.Processes {
		out = append(out, findings.RunSummary{Run: p.Run, Package: p.Package, ExitCode: p.ExitCode,
			TimedOut: p.TimedOut, DurationMs: p.Duration.Milliseconds(), Output: p.OutputPath, Events: p.EventsPath, Seed: p.Seed})
	}
	return out
}

// eventWarnings says what was lost from event logs and which runtime
// tables overflowed.
func (p *pass) eventWarnings() []string {
	var out []string
	for _, pr := range p.Model.Procs {
		for _, w := range pr.Process.EventWarnings {
			out = append(out, pr.Label()+": "+w)
		}
		for _, ev := range pr.Overflows {
			out = append(out, pr.Label()+": "+overflowWords(ev.Reason))
		}
	}
	return out
}

// overflowWords says what a runtime table overflow cost, in the reader's
// terms: which findings may be missing.
func overflowWords(reason string) string {
	switch reason {
	case event.OverflowHeldDepth:
		return "a goroutine held more than 16 locks at once (often read locks handed to other goroutines to release); the locks past the 16th were not checked, so lock-order cycles, double locks and recursive read locks involving them may be missing"
	case event.OverflowChains:
		return "the lock runtime's table of lock chains filled up; chains first seen after that were not checked, so lock-order cycles may be missing"
	case event.OverflowInstancePairs:
		return "the lock runtime's table of same-class instance pairs filled up; inversions between two locks of one class (two Account.mu) first seen after that may be missing"
	case event.OverflowMisuse:
		return "the lock runtime's table of reported misuse filled up; further recursive read locks and handoffs were not reported"
	case event.OverflowOrdinals:
		return "the lock runtime's table of instance numbers filled up; locks of classes first created after that carry no number (Account.mu#0), so two instances of such a class read alike in findings"
	case event.OverflowContention:
		return "the lock runtime's contention table filled up; lock classes first contended after that have no wait or hold figures"
	}
	return fmt.Sprintf("the lock runtime's %s table filled up; findings that depend on it may be missing", orUnknown(reason))
}

func orUnknown(s string) string {
	if s == "" {
		return "(unnamed)"
	}
	return s
}

// contention sums the last stats of every process per class, most waited
// for first.
func (p *pass) contention() []findings.Contention {
	by := map[string]*findings.Contention{}
	for _, pr := range p.Model.Procs {
		for _, s := range pr.Stats {
			name := pr.ClassName(event.Lock{Class: s.Class})
			c := by[name]
			if c == nil {
				c = &findings.Contention{Lock: name}
				by[name] = c
			}
			c.Add(findings.Contention{Waits: s.Contended, WaitNs: s.WaitNs, MaxWaitNs: s.MaxWaitNs,
				HoldNs: s.HoldNs, HoldSamples: s.HoldSamples, MaxHoldNs: s.MaxHoldNs, MaxHoldSite: pr.SiteLoc(s.MaxHoldSite)})
		}
	}
	out := []findings.Contention{}
	for _, k := range sortedKeys(by) {
		out = append(out, *by[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].WaitNs > out[j].WaitNs })
	return out
}
