package analyzer

import (
	"slices"
	"testing"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
)

// TestSeenPerRun checks the per-run evidence: a cycle whose two orders
// were seen in different runs is reported, seen by no single run, with
// each edge naming its run; a cycle seen whole in runs 2 and 3 lists them
// with their seeds.
func TestSeenPerRun(t *testing.T) {
	f := newFixture("A.mu", "B.mu", "C.mu", "D.mu")
	f.edge(1, "ab", f.w("B.mu", 2), f.w("A.mu", 1))
	run1 := slices.Clone(f.evs)
	f.evs = nil
	f.edge(2, "ba", f.w("A.mu", 1), f.w("B.mu", 2))
	f.edge(3, "cd", f.w("D.mu", 4), f.w("C.mu", 3))
	f.edge(4, "dc", f.w("C.mu", 3), f.w("D.mu", 4))
	run2 := slices.Clone(f.evs)
	in := f.input()
	in.Target.Runs = 3
	in.Processes = []*tracer.Process{
		{Run: 1, Package: "example.com/app", Events: run1, Seed: 41},
		{Run: 2, Package: "example.com/app", Events: run2, Seed: 42},
		{Run: 3, Package: "example.com/app", Events: slices.Clone(run2), Seed: 43},
	}
	res := analyze(t, in)
	if !res.PerRun {
		t.Fatal("PerRun not set")
	}
	cycles := ofKind(res, "lock-order-cycle")
	if len(cycles) != 2 {
		t.Fatalf("%d cycles, want 2: %+v", len(cycles), cycles)
	}
	for _, c := range cycles {
		var want []findings.RunRef
		if c.Locks[0] == "C.mu" {
			want = []findings.RunRef{{Run: 2, Seed: 42}, {Run: 3, Seed: 43}}
		}
		if !slices.Equal(c.Seen, want) {
			t.Errorf("cycle %v seen in %+v, want %+v", c.Locks, c.Seen, want)
		}
		words := findings.SeenWords(res, &c)
		if want == nil && words != "no single run saw all of it: assembled from the observations of several runs; A.mu → B.mu in run 1; B.mu → A.mu in runs 2, 3" ||
			want != nil && words != "seen in 2 of 3 runs (run 2 seed 42, run 3 seed 43)" {
			t.Errorf("cycle %v: %q", c.Locks, words)
		}
	}
	for _, e := range res.Graph.Edges {
		want := []int{2, 3}
		if e.From == "A.mu" {
			want = []int{1}
		}
		if !slices.Equal(e.Runs, want) {
			t.Errorf("edge %s -> %s seen in runs %v, want %v", e.From, e.To, e.Runs, want)
		}
	}
}

// TestSeenOneRun checks that a single run without exploration says
// nothing about runs, and with exploration names its seed.
func TestSeenOneRun(t *testing.T) {
	f := newFixture("A.mu", "B.mu")
	f.edge(1, "ab", f.w("B.mu", 2), f.w("A.mu", 1))
	f.edge(2, "ba", f.w("A.mu", 1), f.w("B.mu", 2))
	res := analyze(t, f.input())
	if res.PerRun || res.Findings[0].Seen != nil || findings.SeenWords(res, &res.Findings[0]) != "" {
		t.Errorf("one plain run: per-run %v, seen %v", res.PerRun, res.Findings[0].Seen)
	}
	in := f.input()
	in.Processes[0].Seed = 7
	res = analyze(t, in)
	if got := findings.SeenWords(res, &res.Findings[0]); got != "seen in 1 of 1 runs (run 1 seed 7)" {
		t.Errorf("one exploring run: %q", got)
	}
}
