package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func edges(s string) []Edge {
	var out []Edge
	for _, f := range strings.Fields(s) {
		from, to, _ := strings.Cut(f, ">")
		out = append(out, Edge{From: from, To: to})
	}
	return out
}

// TestSCCs: components of more than one node, sorted, in order of their
// smallest node; self-loops and acyclic parts are none.
func TestSCCs(t *testing.T) {
	g := New(edges("d>e e>d a>b b>c c>a c>d x>x f>a"))
	got := fmt.Sprint(g.SCCs())
	if want := "[[a b c] [d e]]"; got != want {
		t.Errorf("SCCs %s, want %s", got, want)
	}
	if n := g.EdgeCount(); n != 7 {
		t.Errorf("EdgeCount %d, want 7 (the self-loop skipped)", n)
	}
}

// TestCyclesShortestCover: in a component with a 2-cycle and 3-cycles,
// the shortest cycles that cover every edge are offered, each once, from
// its smallest node, and the search stops once every edge is covered.
func TestCyclesShortestCover(t *testing.T) {
	g := New(edges("a>b b>a b>c c>a a>c c>b"))
	var got []string
	cut := Cycles(g.Sub(g.SCCs()[0]), func(c []string) bool {
		got = append(got, CycleString(c))
		return true
	})
	want := []string{"a -> b -> a", "a -> c -> a", "b -> c -> b"}
	if cut != "" || !slices.Equal(got, want) {
		t.Errorf("cycles %q (cut %q), want %q", got, cut, want)
	}
}

// TestCyclesRejected: a cycle accept rejects does not cover its edges, so
// a longer one through them is still offered.
func TestCyclesRejected(t *testing.T) {
	g := New(edges("a>b b>a b>c c>a"))
	var got []string
	Cycles(g, func(c []string) bool {
		got = append(got, CycleString(c))
		return len(c) == 3
	})
	want := []string{"a -> b -> a", "a -> b -> c -> a"}
	if !slices.Equal(got, want) {
		t.Errorf("offered %q, want %q", got, want)
	}
}

// TestCyclesBounded: a complete graph of 200 nodes stops at MaxCycles and
// says why.
func TestCyclesBounded(t *testing.T) {
	var es []Edge
	for i := range 200 {
		for j := range 200 {
			if i != j {
				es = append(es, Edge{From: fmt.Sprintf("n%03d", i), To: fmt.Sprintf("n%03d", j)})
			}
		}
	}
	n := 0
	cut := Cycles(New(es), func([]string) bool { n++; return true })
	if n != MaxCycles || !strings.Contains(cut, fmt.Sprintf("stopped after reporting %d cycles", MaxCycles)) {
		t.Errorf("%d cycles, cut %q; want %d and the reason", n, cut, MaxCycles)
	}
}

// TestCyclesTooLong: a single ring longer than MaxCycleLen is not searched,
// and the note says so.
func TestCyclesTooLong(t *testing.T) {
	var es []Edge
	const n = MaxCycleLen + 2
	for i := range n {
		es = append(es, Edge{From: fmt.Sprintf("n%02d", i), To: fmt.Sprintf("n%02d", (i+1)%n)})
	}
	offered := 0
	cut := Cycles(New(es), func([]string) bool { offered++; return true })
	if offered != 0 || !strings.Contains(cut, "longer than") {
		t.Errorf("offered %d, cut %q; want none and a note", offered, cut)
	}
}
