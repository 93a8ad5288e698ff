package findings

import (
	"reflect"
	"testing"
)

func TestMergeShards(t *testing.T) {
	a := &Result{Version: 1, Target: Target{Kind: "test", Name: "./a", Dir: "/ci/a", Runs: 1},
		Findings: []Finding{
			{ID: "x", Kind: "lock-order-cycle", Severity: Error, Count: 1, Package: "m/a", Evidence: []Evidence{{Stack: []Frame{{File: "/ci/a/a.go", Line: 3}}}}},
			{ID: "y", Kind: "lock-leak", Severity: Warning, Count: 1, Package: "m/a", Baselined: true},
		},
		Graph:      Graph{Nodes: []Node{{Name: "A.mu"}, {Name: "B.mu"}}, Edges: []Edge{{From: "A.mu", To: "B.mu", Count: 1, Modes: []string{"w->w"}}}},
		Contention: []Contention{{Lock: "A.mu", Waits: 1, WaitNs: 10, MaxWaitNs: 10}},
		Runs:       []RunSummary{{Run: 1, Package: "m/a"}},
		Fixed:      []BaselineEntry{{ID: "gone"}, {ID: "x"}},
	}
	b := &Result{Version: 1, Target: Target{Kind: "test", Name: "./b", Dir: "/ci/b", Runs: 1},
		Findings: []Finding{
			{ID: "x", Kind: "lock-order-cycle", Severity: Error, Count: 2, Package: "m/b"},
			{ID: "z", Kind: "hang", Severity: Error, Count: 1, Package: "m/b", Evidence: []Evidence{{Stack: []Frame{{File: "/ci/b/b.go", Line: 7}}}}},
		},
		Graph:      Graph{Nodes: []Node{{Name: "B.mu", RW: true}, {Name: "C.mu"}}, Edges: []Edge{{From: "A.mu", To: "B.mu", Count: 2, Modes: []string{"r->w"}}, {From: "B.mu", To: "C.mu", Count: 1}}},
		Contention: []Contention{{Lock: "A.mu", Waits: 2, WaitNs: 30, MaxWaitNs: 20}},
		Runs:       []RunSummary{{Run: 1, Package: "m/b"}},
	}
	m, err := Merge([]*Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range m.Findings {
		counts[f.ID] = f.Count
	}
	if !reflect.DeepEqual(counts, map[string]int{"x": 3, "y": 1, "z": 1}) {
		t.Errorf("counts %v", counts)
	}
	for _, f := range m.Findings {
		if f.ID == "x" && f.Package != "" {
			t.Errorf("x spans two packages, has package %q", f.Package)
		}
		if f.ID == "z" && f.Evidence[0].Stack[0].File != "/ci/a/b.go" {
			t.Errorf("shard b's path not rebased onto shard a's checkout: %s", f.Evidence[0].Stack[0].File)
		}
	}
	if m.Target.Name != "./a ./b" || len(m.Runs) != 2 {
		t.Errorf("target %+v, %d runs", m.Target, len(m.Runs))
	}
	if len(m.Graph.Nodes) != 3 || !m.Graph.Nodes[1].RW || len(m.Graph.Edges) != 2 || m.Graph.Edges[0].Count != 3 || len(m.Graph.Edges[0].Modes) != 2 {
		t.Errorf("graph %+v", m.Graph)
	}
	if len(m.Contention) != 1 || m.Contention[0].Waits != 3 || m.Contention[0].MaxWaitNs != 20 {
		t.Errorf("contention %+v", m.Contention)
	}
	if len(m.Fixed) != 1 || m.Fixed[0].ID != "gone" {
		t.Errorf("fixed %+v, want only gone (x is still seen)", m.Fixed)
	}
	if _, err := Merge(nil); err == nil {
		t.Error("Merge(nil) succeeded")
	}
}
