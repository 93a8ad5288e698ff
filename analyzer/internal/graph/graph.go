// Package graph holds the graph algorithms of lockscope's lock-order check:
// a directed graph over lock names, its strongly connected components
// (Tarjan's algorithm), and a bounded search for the shortest simple
// cycles that cover a component's edges, the way lockdep reports a
// dependency chain. Every traversal is deterministic: nodes and adjacency
// lists are sorted, so the same edges give the same cycles in the same
// order.
package graph

import (
	"slices"
	"strings"
)

// An Edge is an ordered pair of nodes: From was held when To was taken.
type Edge struct{ From, To string }

// A Digraph is a directed graph over string nodes with sorted adjacency
// lists.
type Digraph struct {
	nodes []string
	adj   map[string][]string
}

// New builds a Digraph from edges, skipping self-loops (their nodes are
// kept).
func New(edges []Edge) *Digraph {
	g := &Digraph{adj: map[string][]string{}}
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
	slices.Sort(g.nodes)
	for n, a := range g.adj {
		slices.Sort(a)
		g.adj[n] = slices.Compact(a)
	}
	return g
}

// Nodes returns g's nodes, sorted.
func (g *Digraph) Nodes() []string { return g.nodes }

// EdgeCount is the number of edges of g.
func (g *Digraph) EdgeCount() int {
	n := 0
	for _, a := range g.adj {
		n += len(a)
	}
	return n
}

// Sub returns g restricted to nodes, which must be sorted.
func (g *Digraph) Sub(nodes []string) *Digraph {
	in := map[string]bool{}
	for _, n := range nodes {
		in[n] = true
	}
	s := &Digraph{nodes: nodes, adj: map[string][]string{}}
	for _, n := range nodes {
		for _, w := range g.adj[n] {
			if in[w] {
				s.adj[n] = append(s.adj[n], w)
			}
		}
	}
	return s
}

// SCCs returns the strongly connected components of g with more than one
// node, each sorted, in order of their smallest node.
func (g *Digraph) SCCs() [][]string {
	t := &tarjan{g: g, index: map[string]int{}, low: map[string]int{}, on: map[string]bool{}}
	for _, n := range g.nodes {
		if _, ok := t.index[n]; !ok {
			t.visit(n)
		}
	}
	for _, c := range t.out {
		slices.Sort(c)
	}
	slices.SortFunc(t.out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return t.out
}

// tarjan is the state of Tarjan's strongly-connected-components algorithm.
type tarjan struct {
	g     *Digraph
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
