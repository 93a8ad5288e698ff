package graph

import (
	"fmt"
	"slices"
	"strings"
)

// Bounds of the simple-cycle search inside one strongly connected
// component.
const (
	MaxCycleLen   = 8       // nodes in one cycle
	MaxCycles     = 16      // cycles accepted per component
	MaxCycleSteps = 200_000 // search steps per component
)

// Cycles enumerates the simple cycles of g, one component, by increasing
// length, each once (starting at its smallest node, so no rotation is seen
// twice), and offers them to accept, which judges a cycle and returns
// whether it is reported. A cycle is offered only while it has an edge no
// reported cycle covers, and the search ends once every edge is covered:
// the shortest cycles covering the component win. Cycles returns why the
// search was cut short by its bounds, or "".
func Cycles(g *Digraph, accept func(cycle []string) bool) (cut string) {
	s := &cycleSearch{g: g, accept: accept, covered: map[Edge]bool{}, rank: map[string]int{}}
	for i, n := range g.nodes {
		s.rank[n] = i
	}
	total := g.EdgeCount()
	for l := 2; l <= MaxCycleLen && s.cut == "" && len(s.covered) < total; l++ {
		for _, start := range g.nodes {
			s.extend([]string{start}, l)
			if s.cut != "" {
				break
			}
		}
	}
	if s.cut == "" && len(s.covered) < total && len(g.nodes) > MaxCycleLen {
		s.cut = fmt.Sprintf("cycles longer than %d locks were not searched", MaxCycleLen)
	}
	if s.cut != "" {
		return fmt.Sprintf("cycle search in a group of %d mutually ordered locks (%d edges) was cut short: %s", len(g.nodes), total, s.cut)
	}
	return ""
}

// cycleSearch is the state of one Cycles call.
type cycleSearch struct {
	g       *Digraph
	accept  func(cycle []string) bool
	steps   int
	found   int
	covered map[Edge]bool
	rank    map[string]int
	cut     string // why the search stopped early, "" if it did not
}

// extend grows path to exactly l nodes, all ranked above its start, and
// offers the cycles that close back to the start.
func (s *cycleSearch) extend(path []string, l int) {
	if s.cut != "" {
		return
	}
	if s.steps++; s.steps > MaxCycleSteps {
		s.cut = fmt.Sprintf("stopped after %d search steps", MaxCycleSteps)
		return
	}
	last := path[len(path)-1]
	if len(path) == l {
		if slices.Contains(s.g.adj[last], path[0]) {
			s.offer(path)
		}
		return
	}
	for _, w := range s.g.adj[last] {
		if s.rank[w] > s.rank[path[0]] && !slices.Contains(path, w) {
			s.extend(append(path, w), l)
		}
	}
}

func (s *cycleSearch) offer(path []string) {
	cyc := slices.Clone(path)
	fresh := false
	for i := range cyc {
		if !s.covered[CycleEdge(cyc, i)] {
			fresh = true
		}
	}
	if !fresh || !s.accept(cyc) {
		return
	}
	for i := range cyc {
		s.covered[CycleEdge(cyc, i)] = true
	}
	if s.found++; s.found >= MaxCycles {
		s.cut = fmt.Sprintf("stopped after reporting %d cycles", MaxCycles)
	}
}

// CycleEdge is the i-th edge of cyc: cyc[i] -> cyc[i+1], wrapping.
func CycleEdge(cyc []string, i int) Edge {
	return Edge{cyc[i], cyc[(i+1)%len(cyc)]}
}

// CycleString renders a cycle as "A -> B -> A".
func CycleString(names []string) string {
	return strings.Join(append(slices.Clone(names), names[0]), " -> ")
}
