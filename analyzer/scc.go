package analyzer

import "sort"

// digraph is a directed graph over string keys with sorted adjacency lists,
// so that every traversal is deterministic.
type digraph struct {
	nodes []string
	adj   map[string][]string
}

// newDigraph builds a digraph from edges, skipping self-loops.
func newDigraph(edges []edgeKey) *digraph {
	g := &digraph{adj: map[string][]string{}}
	seen := map[string]bool{}
	for _, e := range edges {
		for _, n := range []string{e.From, e.To} {
			if !seen[n] {
				seen[n] = true
				g.nodes = append(g.nodes, n)
			}
		}
		if e.From != e.To {
			g.adj[e.From] = append(g.adj[e.From], e.To)
		}
	}
	sort.Strings(g.nodes)
	for n, a := range g.adj {
		g.adj[n] = sortedUnique(a)
	}
	return g
}

// sccs returns the strongly connected components of g with more than one
// node (Tarjan's algorithm), each sorted, in order of their smallest node.
func (g *digraph) sccs() [][]string {
	t := &tarjan{g: g, index: map[string]int{}, low: map[string]int{}, on: map[string]bool{}}
	for _, n := range g.nodes {
		if _, ok := t.index[n]; !ok {
			t.visit(n)
		}
	}
	for _, c := range t.out {
		sort.Strings(c)
	}
	sort.Slice(t.out, func(i, j int) bool { return t.out[i][0] < t.out[j][0] })
	return t.out
}

type tarjan struct {
	g     *digraph
	next  int
	index map[string]int
	low   map[string]int
	on    map[string]bool
	stack []string
	out   [][]string
}

func (t *tarjan) visit(v string) {
	t.index[v], t.low[v] = t.next, t.next
	t.next++
	t.stack = append(t.stack, v)
	t.on[v] = true
	for _, w := range t.g.adj[v] {
		if _, ok := t.index[w]; !ok {
			t.visit(w)
			t.low[v] = min(t.low[v], t.low[w])
		} else if t.on[w] {
			t.low[v] = min(t.low[v], t.index[w])
		}
	}
	if t.low[v] != t.index[v] {
		return
	}
	var comp []string
	for {
		w := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		t.on[w] = false
		comp = append(comp, w)
		if w == v {
			break
		}
	}
	if len(comp) > 1 {
		t.out = append(t.out, comp)
	}
}

// sub returns g restricted to nodes.
func (g *digraph) sub(nodes []string) *digraph {
	in := map[string]bool{}
	for _, n := range nodes {
		in[n] = true
	}
	s := &digraph{nodes: nodes, adj: map[string][]string{}}
	for _, n := range nodes {
		for _, w := range g.adj[n] {
			if in[w] {
				s.adj[n] = append(s.adj[n], w)
			}
		}
	}
	return s
}

// edgeCount is the number of edges of g.
func (g *digraph) edgeCount() int {
	n := 0
	for _, a := range g.adj {
		n += len(a)
	}
	return n
}
