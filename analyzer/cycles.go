package analyzer

import (
	"fmt"
	"strings"
)

// Bounds of the simple-cycle search inside one strongly connected
// component.
const (
	maxCycleLen   = 8       // locks in one cycle
	maxCycles     = 16      // cycles reported per component
	maxCycleSteps = 200_000 // DFS steps per component
)

// cycleSearch enumerates the simple cycles of one component by increasing
// length, each once (starting at its smallest node, so no rotation is seen
// twice). accept judges a cycle and returns whether it is reported; cycles
// are only offered while some edge of the component is still uncovered by
// a reported cycle, so the shortest cycles covering the component win.
type cycleSearch struct {
	g       *digraph
	accept  func(cycle []string) bool
	steps   int
	found   int
	covered map[edgeKey]bool
	rank    map[string]int
	// cut says why the search stopped early, "" if it did not.
	cut string
}

// search runs the enumeration and returns the truncation note, if any.
func (s *cycleSearch) search() string {
	s.covered = map[edgeKey]bool{}
	s.rank = map[string]int{}
	for i, n := range s.g.nodes {
		s.rank[n] = i
	}
	total := s.g.edgeCount()
	for l := 2; l <= maxCycleLen && s.cut == "" && len(s.covered) < total; l++ {
		for _, start := range s.g.nodes {
			s.extend([]string{start}, l)
			if s.cut != "" {
				break
			}
		}
	}
	if s.cut == "" && len(s.covered) < total && len(s.g.nodes) > maxCycleLen {
		s.cut = fmt.Sprintf("cycles longer than %d locks were not searched", maxCycleLen)
	}
	if s.cut != "" {
		return fmt.Sprintf("cycle search in a group of %d mutually ordered locks (%d edges) was cut short: %s", len(s.g.nodes), total, s.cut)
	}
	return ""
}

// extend grows path to exactly l nodes, all ranked above its start, and
// offers the cycles that close back to the start.
func (s *cycleSearch) extend(path []string, l int) {
	if s.cut != "" {
		return
	}
	if s.steps++; s.steps > maxCycleSteps {
		s.cut = fmt.Sprintf("stopped after %d search steps", maxCycleSteps)
		return
	}
	last := path[len(path)-1]
	if len(path) == l {
		if contains(s.g.adj[last], path[0]) {
			s.offer(path)
		}
		return
	}
	for _, w := range s.g.adj[last] {
		if s.rank[w] > s.rank[path[0]] && !contains(path, w) {
			s.extend(append(path, w), l)
		}
	}
}

func (s *cycleSearch) offer(path []string) {
	cyc := append([]string(nil), path...)
	fresh := false
	for i := range cyc {
		if !s.covered[cycleEdge(cyc, i)] {
			fresh = true
		}
	}
	if !fresh || !s.accept(cyc) {
		return
	}
	for i := range cyc {
		s.covered[cycleEdge(cyc, i)] = true
	}
	if s.found++; s.found >= maxCycles {
		s.cut = fmt.Sprintf("stopped after reporting %d cycles", maxCycles)
	}
}

// cycleEdge is the i-th edge of cyc: cyc[i] -> cyc[i+1], wrapping.
func cycleEdge(cyc []string, i int) edgeKey {
	return edgeKey{cyc[i], cyc[(i+1)%len(cyc)]}
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// cycleString renders names as "A -> B -> A".
func cycleString(names []string) string {
	return strings.Join(append(append([]string(nil), names...), names[0]), " -> ")
}
