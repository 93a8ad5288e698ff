package findings

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// maxMergedWitnesses bounds the witness stacks a merged graph edge keeps.
const maxMergedWitnesses = 4

// Merge combines the results of sharded runs (one CI job per package set)
// into one, as if one run had covered every shard: findings with the same
// ID are folded with their counts summed, the lock-order graphs and
// contention tables are merged, runs and warnings are concatenated. Paths of
// shards built in another checkout directory are rebased onto the first
// shard's. A finding stays baselined or suppressed only if it is so in every
// shard that saw it. Merge returns an error for an empty list or a result of
// another version.
func Merge(rs []*Result) (*Result, error) {
	if len(rs) == 0 {
		return nil, errors.New("nothing to merge")
	}
	for i, r := range rs {
		if r.Version != 1 {
			return nil, fmt.Errorf("result %d has findings version %d; this lockscope merges version 1", i+1, r.Version)
		}
	}
	out := &Result{Version: 1, Tool: rs[0].Tool, Target: mergeTargets(rs), FailOn: rs[0].FailOn, Baseline: rs[0].Baseline, PerRun: rs[0].PerRun}
	var findings []Finding
	var fixed []BaselineEntry
	graph := graphMerger{nodes: map[string]*Node{}, edges: map[[2]string]*Edge{}}
	contention := map[string]*Contention{}
	for _, r := range rs {
		rebase := pathRebaser(r.Target.Dir, out.Target.Dir)
		for _, f := range r.Findings {
			f.Evidence = rebaseEvidence(f.Evidence, rebase)
			findings = append(findings, f)
		}
		graph.add(r.Graph, rebase)
		mergeContention(contention, r.Contention)
		out.Runs = append(out.Runs, r.Runs...)
		out.Warnings = append(out.Warnings, r.Warnings...)
		for _, w := range r.WaitStacks {
			w.Stack = rebaseFrames(w.Stack, rebase)
			out.WaitStacks = append(out.WaitStacks, w)
		}
		fixed = append(fixed, r.Fixed...)
	}
	out.Findings = Sort(foldFindings(findings))
	out.Graph = graph.result()
	out.Contention = sortedContention(contention)
	out.Warnings = slices.Compact(out.Warnings)
	slices.SortStableFunc(out.WaitStacks, func(a, b WaitStack) int { return cmp.Compare(b.DelayNs, a.DelayNs) })
	out.Fixed = mergeFixed(fixed, out.Findings)
	return out, nil
}

// mergeTargets names the union of the shards' targets.
func mergeTargets(rs []*Result) Target {
	t := rs[0].Target
	var names []string
	for _, r := range rs {
		names = append(names, strings.Fields(r.Target.Name)...)
		t.Runs = max(t.Runs, r.Target.Runs)
		if r.Target.Kind != t.Kind {
			t.Kind = "merged"
		}
	}
	slices.Sort(names)
	t.Name = strings.Join(slices.Compact(names), " ")
	return t
}

// foldFindings folds findings with the same ID into the first, counting.
func foldFindings(fs []Finding) []Finding {
	idx := map[string]int{}
	var out []Finding
	for _, f := range fs {
		f.Count = max(f.Count, 1)
		i, ok := idx[f.ID]
		if !ok {
			idx[f.ID] = len(out)
			out = append(out, f)
			continue
		}
		m := &out[i]
		m.Count += f.Count
		m.Seen = mergeSeen(m.Seen, f.Seen)
		if m.Package != f.Package {
			m.Package = ""
		}
		m.Baselined = m.Baselined && f.Baselined
		if f.Suppression == nil {
			m.Suppression = nil
		}
		if f.Concurrent != nil && *f.Concurrent {
			m.Concurrent = f.Concurrent
		}
		if f.Severity.Compare(m.Severity) < 0 {
			m.Severity = f.Severity
		}
		if f.Confidence == Observed {
			m.Confidence = Observed
		}
	}
	return out
}

// mergeFixed keeps the entries some shard called fixed and no shard saw.
func mergeFixed(fixed []BaselineEntry, findings []Finding) []BaselineEntry {
	seen := map[string]bool{}
	for _, f := range findings {
		seen[f.ID] = true
	}
	var out []BaselineEntry
	for _, e := range fixed {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	return out
}

// graphMerger accumulates lock-order graphs.
type graphMerger struct {
	nodes map[string]*Node
	edges map[[2]string]*Edge
}

func (g *graphMerger) add(gr Graph, rebase func(string) string) {
	for _, n := range gr.Nodes {
		if m := g.nodes[n.Name]; m != nil {
			m.RW = m.RW || n.RW
			continue
		}
		g.nodes[n.Name] = &n
	}
	for _, e := range gr.Edges {
		e.Witness = rebaseEvidence(e.Witness, rebase)
		key := [2]string{e.From, e.To}
		m := g.edges[key]
		if m == nil {
			e.Modes = slices.Clone(e.Modes)
			g.edges[key] = &e
			continue
		}
		m.Count += e.Count
		m.Modes = slices.Compact(slices.Sorted(slices.Values(append(m.Modes, e.Modes...))))
		m.InCycle = m.InCycle || e.InCycle
		m.TryOnly = m.TryOnly && e.TryOnly
		for _, w := range e.Witness {
			if len(m.Witness) < maxMergedWitnesses {
				m.Witness = append(m.Witness, w)
			}
		}
	}
}

func (g *graphMerger) result() Graph {
	out := Graph{Nodes: []Node{}, Edges: []Edge{}}
	for _, k := range slices.Sorted(maps.Keys(g.nodes)) {
		out.Nodes = append(out.Nodes, *g.nodes[k])
	}
	for _, e := range g.edges {
		out.Edges = append(out.Edges, *e)
	}
	sort.Slice(out.Edges, func(i, j int) bool {
		a, b := out.Edges[i], out.Edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	return out
}

func mergeContention(by map[string]*Contention, cs []Contention) {
	for _, c := range cs {
		m := by[c.Lock]
		if m == nil {
			c := c
			by[c.Lock] = &c
			continue
		}
		m.Add(c)
	}
}

// sortedContention orders as Analyze does: most waited for first, then by name.
func sortedContention(by map[string]*Contention) []Contention {
	out := []Contention{}
	for _, k := range slices.Sorted(maps.Keys(by)) {
		out = append(out, *by[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].WaitNs > out[j].WaitNs })
	return out
}

// pathRebaser maps paths under from to the same place under to.
func pathRebaser(from, to string) func(string) string {
	if from == "" || to == "" || from == to {
		return nil
	}
	return func(p string) string {
		rel, err := filepath.Rel(from, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return p
		}
		return filepath.Join(to, rel)
	}
}

func rebaseEvidence(evs []Evidence, rebase func(string) string) []Evidence {
	if rebase == nil {
		return evs
	}
	out := make([]Evidence, len(evs))
	for i, ev := range evs {
		ev.Stack = rebaseFrames(ev.Stack, rebase)
		out[i] = ev
	}
	return out
}

// rebaseFrames is fs with every file rebased; fs itself when rebase is nil.
func rebaseFrames(fs []Frame, rebase func(string) string) []Frame {
	if rebase == nil {
		return fs
	}
	out := slices.Clone(fs)
	for j := range out {
		out[j].File = rebase(out[j].File)
	}
	return out
}

// Add adds o's figures to c's: waits and times summed, the worst wait and
// hold kept, with the worst hold's site.
func (c *Contention) Add(o Contention) {
	c.Waits += o.Waits
	c.WaitNs += o.WaitNs
	c.MaxWaitNs = max(c.MaxWaitNs, o.MaxWaitNs)
	c.HoldNs += o.HoldNs
	c.HoldSamples += o.HoldSamples
	if o.MaxHoldNs > c.MaxHoldNs {
		c.MaxHoldNs, c.MaxHoldSite = o.MaxHoldNs, o.MaxHoldSite
	}
}
