package analyzer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/lockscope/lockscope/tracer/event"
)

// Analyze runs every check over in and returns the merged, fingerprinted,
// deterministically sorted result. It returns an error only when a check
// broke.
func Analyze(in *Input) (*Result, error) {
	res, err := analyzeOnce(in)
	if err != nil {
		return nil, err
	}
	if err := markSeen(in, res); err != nil {
		return nil, err
	}
	return res, nil
}

// analyzeOnce is Analyze without the per-run evidence (explore.go).
func analyzeOnce(in *Input) (*Result, error) {
	p := &Pass{Input: in, Model: newModel(in), inCycle: map[EdgeKey]bool{}}
	var all []Finding
	for _, c := range catalog {
		if c.Run == nil {
			continue
		}
		fs, err := c.Run(p)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", c.Kind, err)
		}
		all = append(all, fs...)
	}
	res := &Result{
		Version: 1, Tool: in.Tool, Target: in.Target,
		Findings:   sortFindings(merge(oneMixedDeadlock(all))),
		Graph:      p.resultGraph(p.inCycle),
		Contention: p.contention(),
		Runs:       runs(in),
		Warnings:   append(p.eventWarnings(), p.warnings...),
		Tests:      testRuns(p.Model), // leakproof.go
	}
	return res, nil
}

// fingerprint is a short hex hash of a kind, lock keys and function names.
// Test, benchmark, fuzz and example function names count as one name, so
// that renaming a test that takes locks itself keeps its findings' IDs.
func fingerprint(kind string, locks, funcs []string) string {
	norm := make([]string, len(funcs))
	for i, f := range funcs {
		norm[i] = testFuncName.ReplaceAllString(f, "${1}(test)${2}")
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", kind, strings.Join(locks, "\x01"), strings.Join(norm, "\x01"))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// testFuncName matches a Go test function's name inside a qualified
// function name: TestXxx, BenchmarkXxx, FuzzXxx, ExampleXxx, as the testing
// package recognises them (no lower-case letter right after the prefix).
var testFuncName = regexp.MustCompile(`(^|\.)(?:Test|Benchmark|Fuzz|Example)(?:[^\p{Ll}.][^.]*)?(\.|$)`)

// merge folds findings with the same ID into the first, counting them.
func merge(fs []Finding) []Finding {
	idx := map[string]int{}
	var out []Finding
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

var severityRank = map[string]int{Error: 0, Warning: 1, Info: 2}

// sortFindings orders by severity, kind, title, then ID.
func sortFindings(fs []Finding) []Finding {
	if fs == nil {
		fs = []Finding{}
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if severityRank[a.Severity] != severityRank[b.Severity] {
			return severityRank[a.Severity] < severityRank[b.Severity]
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Title != b.Title {
			return a.Title < b.Title
		}
		return a.ID < b.ID
	})
	return fs
}

func runs(in *Input) []RunSummary {
	var out []RunSummary
	for _, p := range in.Processes {
		out = append(out, RunSummary{Run: p.Run, Package: p.Package, ExitCode: p.ExitCode,
			TimedOut: p.TimedOut, DurationMs: p.DurationMs, Output: p.OutputPath, Events: p.EventsPath, Seed: p.Seed})
	}
	return out
}

// eventWarnings says what was lost from event logs and which runtime
// tables overflowed.
func (p *Pass) eventWarnings() []string {
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
	case "held-depth":
		return "a goroutine held more than 16 locks at once (often read locks handed to other goroutines to release); the locks past the 16th were not checked, so lock-order cycles, double locks and recursive read locks involving them may be missing"
	case "lock-order-cycle":
		return "the lock runtime's table of lock chains filled up; chains first seen after that were not checked, so lock-order cycles may be missing"
	case "lock-order-cycle/instances":
		return "the lock runtime's table of same-class instance pairs filled up; inversions between two locks of one class (two Account.mu) first seen after that may be missing"
	case "recursive-rlock":
		return "the lock runtime's table of reported misuse filled up; further recursive read locks and handoffs were not reported"
	case "contention":
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
func (p *Pass) contention() []Contention {
	by := map[string]*Contention{}
	for _, pr := range p.Model.Procs {
		for _, s := range pr.Stats {
			name := pr.ClassName(event.Lock{Class: s.Class})
			c := by[name]
			if c == nil {
				c = &Contention{Lock: name}
				by[name] = c
			}
			c.Waits += s.Contended
			c.WaitNs += s.WaitNs
			c.MaxWaitNs = max(c.MaxWaitNs, s.MaxWaitNs)
			c.HoldNs += s.HoldNs
			c.HoldSamples += s.HoldSamples
			if s.MaxHoldNs > c.MaxHoldNs {
				c.MaxHoldNs = s.MaxHoldNs
				c.MaxHoldSite = pr.SiteLoc(s.MaxHoldSite)
			}
		}
	}
	out := []Contention{}
	for _, k := range sortedKeys(by) {
		out = append(out, *by[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].WaitNs > out[j].WaitNs })
	return out
}
