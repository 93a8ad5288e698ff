package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
)

func TestSortedFindings(t *testing.T) {
	in := []findings.Finding{
		{ID: "1", Kind: "lock-leak", Severity: findings.Warning, Title: "leak"},
		{ID: "2", Kind: "lock-order-cycle", Severity: findings.Error, Confidence: findings.Predicted, Title: "b"},
		{ID: "3", Kind: "contention", Severity: findings.Info, Title: "slow"},
		{ID: "4", Kind: "lock-order-cycle", Severity: findings.Error, Confidence: findings.Observed, Title: "z"},
		{ID: "5", Kind: "lock-order-cycle", Severity: findings.Error, Confidence: findings.Predicted, Title: "a", Count: 3},
		{ID: "6", Kind: "hang", Severity: findings.Error, Confidence: findings.Observed, Title: "hang"},
		{ID: "7", Kind: "lock-order-cycle", Severity: findings.Error, Confidence: findings.Predicted, Title: "a"},
	}
	var got []string
	for _, f := range sortedFindings(in) {
		got = append(got, f.ID)
	}
	// error before warning before info; lock-order-cycle before hang (the
	// catalogue's order); observed first; most often seen; then by title.
	if want := "4 5 7 2 6 1 3"; strings.Join(got, " ") != want {
		t.Errorf("order = %s, want %s", strings.Join(got, " "), want)
	}
}

func manyFindings(n int, frames int) []findings.Finding {
	kinds := []findings.Kind{"lock-order-cycle", "lock-leak", "double-lock", "contention"}
	sev := []findings.Severity{findings.Error, findings.Warning, findings.Error, findings.Info}
	stack := make([]findings.Frame, frames)
	for i := range stack {
		stack[i] = findings.Frame{Func: fmt.Sprintf("example.com/big/pkg.(*Server).handler%d", i), File: "/mod/pkg/server.go", Line: 100 + i}
	}
	out := make([]findings.Finding, n)
	for i := range out {
		k := i % len(kinds)
		out[i] = findings.Finding{
			ID: fmt.Sprintf("%016x", i), Kind: kinds[k], Severity: sev[k], Confidence: findings.Predicted,
			Title:   fmt.Sprintf("Lock-order cycle: Store%d.mu -> Replica%d.raftMu -> Store%d.mu", i, i, i),
			Message: strings.Repeat("A long explanation of what happened. ", 20),
			Locks:   []string{fmt.Sprintf("Store%d.mu", i), fmt.Sprintf("Replica%d.raftMu", i)},
			Evidence: []findings.Evidence{
				{Role: "goroutine 7 takes Replica.raftMu while holding Store.mu (acquired at server.go:100)", Goroutine: 7, Stack: stack, Held: []string{"Store.mu"}},
				{Role: "goroutine 9 takes Store.mu while holding Replica.raftMu", Goroutine: 9, Stack: stack, Held: []string{"Replica.raftMu"}},
			},
			Advice:  strings.Repeat("Take Store.mu first. ", 10),
			Package: fmt.Sprintf("example.com/big/pkg%d", i%50),
		}
	}
	return out
}

func TestGroupsBudget(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
	}{{"few", 7}, {"hundreds", 300}, {"thousands", 5000}} {
		t.Run(tc.name, func(t *testing.T) {
			res := &findings.Result{Findings: manyFindings(tc.n, 3)}
			groups := newGroups(res, sortedFindings(res.Findings), newSourceReader())
			cards, rows, hidden, total := 0, 0, 0, 0
			for _, g := range groups {
				if len(g.Cards) > maxCardsPerGrp {
					t.Errorf("%s: %d cards", g.Kind, len(g.Cards))
				}
				if g.Count != len(g.Cards)+len(g.Rows)+g.Hidden {
					t.Errorf("%s: count %d != %d cards + %d rows + %d hidden", g.Kind, g.Count, len(g.Cards), len(g.Rows), g.Hidden)
				}
				if g.Open != (tc.n <= openGroupLimit*2) {
					t.Errorf("%s: open = %v with %d findings", g.Kind, g.Open, tc.n)
				}
				cards += len(g.Cards)
				rows += len(g.Rows)
				hidden += g.Hidden
				total += g.Count
			}
			if total != tc.n || cards > maxCards || rows > maxRows {
				t.Errorf("total %d cards %d rows %d hidden %d", total, cards, rows, hidden)
			}
			if tc.n == 7 && (cards != 7 || rows != 0) {
				t.Errorf("a small result is not all cards: %d cards, %d rows", cards, rows)
			}
			// Groups come most severe first: the two error kinds, then warning, then info.
			if groups[0].Severity != findings.Error || groups[len(groups)-1].Kind != "contention" {
				t.Errorf("group order: first %s %s, last %s", groups[0].Kind, groups[0].Severity, groups[len(groups)-1].Kind)
			}
		})
	}
}

func TestEvidenceTrim(t *testing.T) {
	stack := make([]findings.Frame, 100)
	for i := range stack {
		stack[i] = findings.Frame{Func: fmt.Sprintf("example.com/m/p.f%d", i), File: "/mod/p/p.go", Line: i + 1}
	}
	ev := newEvidence("/mod", findings.Evidence{Role: "r", Stack: stack})
	if len(ev.Frames) != stackShown || len(ev.More) != stackKept-stackShown || ev.Cut != 100-stackKept {
		t.Errorf("shown %d, folded %d, cut %d", len(ev.Frames), len(ev.More), ev.Cut)
	}
	if ev.Frames[0].Loc != "p/p.go:1" || ev.MoreStart != stackShown+1 {
		t.Errorf("first frame at %q, folded part starts at %d", ev.Frames[0].Loc, ev.MoreStart)
	}
	if ev.Top != "p.f0 at p/p.go:1" {
		t.Errorf("top = %q", ev.Top)
	}
}

func TestSteps(t *testing.T) {
	f := &findings.Finding{Kind: "lock-order-cycle", Locks: []string{"A.mu", "B.mu", "C.mu"}}
	for _, fn := range []string{"m.one", "m.two", "m.three"} {
		f.Evidence = append(f.Evidence, findings.Evidence{Stack: []findings.Frame{{Func: "example.com/" + fn}}})
	}
	res := &findings.Result{Graph: findings.Graph{Edges: []findings.Edge{{From: "A.mu", To: "B.mu", Modes: []string{"w->r"}}}}}
	s := newSteps(res, f)
	if len(s.Goroutines) != 3 || len(s.Rows) != 6 {
		t.Fatalf("%d goroutines, %d rows", len(s.Goroutines), len(s.Rows))
	}
	var got []string
	for _, r := range s.Rows {
		for g, c := range r.Cells {
			if c.Text != "" {
				got = append(got, fmt.Sprintf("%d g%d %s [%s]", r.N, g+1, c.Text, c.Func))
			}
		}
	}
	want := []string{
		"1 g1 lock A.mu [m.one]",
		"2 g2 lock B.mu [m.two]",
		"3 g3 lock C.mu [m.three]",
		"4 g1 rlock B.mu: blocks, held by goroutine 2 [m.one]",
		"5 g2 lock C.mu: blocks, held by goroutine 3 [m.two]",
		"6 g3 lock A.mu: blocks, held by goroutine 1 [m.three]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestClassName(t *testing.T) {
	for in, want := range map[string]string{
		"Account.mu#2 (first locked at main.go:38)": "Account.mu",
		"Account.mu#2":   "Account.mu",
		"Store.mu":       "Store.mu",
		"pkg.lock#x":     "pkg.lock#x",
		"main.go:12 (x)": "main.go:12",
	} {
		if got := className(in); got != want {
			t.Errorf("className(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSnippet(t *testing.T) {
	dir := t.TempDir()
	var src strings.Builder
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&src, "line %d\n", i)
	}
	file := filepath.Join(dir, "a.go")
	if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newSourceReader()
	lines := s.snippet(file, 2)
	if len(lines) != 5 || lines[0].N != 1 || !lines[1].Mark || lines[1].Text != "line 2" || lines[4].N != 5 {
		t.Errorf("snippet at line 2 = %+v", lines)
	}
	if lines := s.snippet(file, 10); len(lines) != 2*contextLines+1 || !lines[contextLines].Mark {
		t.Errorf("snippet at line 10 = %+v", lines)
	}
	for _, bad := range []struct {
		file string
		line int
	}{{file, 99}, {filepath.Join(dir, "missing.go"), 1}, {filepath.Join(dir, "secret.txt"), 1}, {"a.go", 1}} {
		if got := s.snippet(bad.file, bad.line); got != nil {
			t.Errorf("snippet(%s, %d) = %v, want nothing", bad.file, bad.line, got)
		}
	}
}

func TestTail(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	for i := 1; i <= 500; i++ {
		fmt.Fprintf(&out, "output line %d\n", i)
	}
	log := filepath.Join(dir, "t.output.log")
	if err := os.WriteFile(log, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	lines, cut := newSourceReader().tail(log)
	if !cut || len(lines) != tailLines || lines[len(lines)-1] != "output line 500" {
		t.Errorf("tail: cut %v, %d lines, last %q", cut, len(lines), lines[len(lines)-1])
	}
	if lines, _ := newSourceReader().tail(filepath.Join(dir, "none.log")); lines != nil {
		t.Errorf("a missing log gave %v", lines)
	}
}

func TestCycleView(t *testing.T) {
	f := &findings.Finding{Kind: "lock-order-cycle", Locks: []string{"Account.mu#1 (first locked at bank.go:31)", "Account.mu#2 (first locked at bank.go:33)"}}
	v := newCycleView("", f)
	if v == nil || len(v.Nodes) != 2 || len(v.Edges) != 2 {
		t.Fatalf("cycle view = %+v", v)
	}
	if v.Nodes[0].Lines[0].Text != "Account.mu#1" || v.Nodes[0].Lines[1].Text != "first locked at bank.go:31" {
		t.Errorf("node lines = %+v", v.Nodes[0].Lines)
	}
	for _, n := range v.Nodes {
		if n.X < 0 || n.Y < 0 || n.X+n.W > v.W || n.Y+n.H > v.H {
			t.Errorf("node %+v outside the %dx%d canvas", n, v.W, v.H)
		}
	}
}

func TestGraphView(t *testing.T) {
	g := findings.Graph{
		Nodes: []findings.Node{{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "D"}, {Name: "Lonely"}},
		Edges: []findings.Edge{
			{From: "A", To: "B", InCycle: true}, {From: "B", To: "C", InCycle: true}, {From: "C", To: "A", InCycle: true},
			{From: "A", To: "D", TryOnly: true}, {From: "D", To: "D"},
		},
	}
	v := newGraphView(g)
	if v.Nodes != 5 || v.Edges != 5 || v.CycleEdges != 3 || v.NotDrawn != 0 || len(v.Rows) != 5 {
		t.Errorf("graph view: %d nodes, %d edges, %d in cycles, %d not drawn, %d rows", v.Nodes, v.Edges, v.CycleEdges, v.NotDrawn, len(v.Rows))
	}
	if !v.Rows[0].InCycle || v.Rows[len(v.Rows)-1].InCycle {
		t.Errorf("cycle edges are not listed first: %+v", v.Rows)
	}
	classes := map[string]string{}
	for _, n := range v.SVG.Nodes {
		classes[n.Title] = n.Class
	}
	if len(classes) != 5 || classes["A"] != "cyc" || classes["D"] != "" || classes["Lonely"] != "" {
		t.Errorf("drawn nodes: %v", classes)
	}
	var cyc, try int
	for _, e := range v.SVG.Edges {
		switch e.Class {
		case "cyc":
			cyc++
		case "try":
			try++
		}
	}
	if len(v.SVG.Edges) != 5 || cyc != 3 || try != 1 {
		t.Errorf("%d edges drawn, %d in cycles, %d try", len(v.SVG.Edges), cyc, try)
	}
	if newGraphView(findings.Graph{}) != nil {
		t.Errorf("an empty graph gets a drawing")
	}
}

func TestLayers(t *testing.T) {
	// 0 -> 1 -> 2 -> 0 (back edge), 0 -> 3, 1 -> 3
	out := [][]int{{1, 3}, {2, 3}, {0}, nil}
	got := layers(4, out)
	if fmt.Sprint(got) != "[0 1 2 2]" {
		t.Errorf("layers = %v", got)
	}
}

func TestBigGraphIsCut(t *testing.T) {
	var g findings.Graph
	for i := range 300 {
		g.Nodes = append(g.Nodes, findings.Node{Name: fmt.Sprintf("L%03d.mu", i)})
		if i > 0 {
			g.Edges = append(g.Edges, findings.Edge{From: fmt.Sprintf("L%03d.mu", i-1), To: fmt.Sprintf("L%03d.mu", i)})
		}
	}
	g.Edges = append(g.Edges, findings.Edge{From: "L299.mu", To: "L000.mu", InCycle: true})
	v := newGraphView(g)
	if len(v.SVG.Nodes) != maxGraphNodes || v.NotDrawn != 300-maxGraphNodes || len(v.Rows) != 300 || v.MoreRows != 0 {
		t.Errorf("%d drawn, %d not drawn, %d rows, %d more", len(v.SVG.Nodes), v.NotDrawn, len(v.Rows), v.MoreRows)
	}
	drawn := map[string]bool{}
	for _, n := range v.SVG.Nodes {
		drawn[n.Title] = true
	}
	if !drawn["L000.mu"] || !drawn["L299.mu"] {
		t.Errorf("the nodes of the cycle edge are not drawn")
	}
}

func TestContentionView(t *testing.T) {
	v := newContentionView([]findings.Contention{
		{Lock: "Idle.mu"},
		{Lock: "Small.mu", Waits: 1, WaitNs: 1000, HoldNs: 5000},
		{Lock: "Store.mu", Waits: 40, WaitNs: 12_345_678, MaxWaitNs: 2_000_000, HoldNs: 1000},
	})
	if len(v.Rows) != 2 || v.Rows[0].Lock != "Store.mu" || v.Rows[0].Wait != "12.3ms" {
		t.Fatalf("rows = %+v", v.Rows)
	}
	if v.Bars[0].WaitW != int(barWidth) || v.Bars[1].WaitW != 1 {
		t.Errorf("bars = %+v", v.Bars)
	}
	if newContentionView([]findings.Contention{{Lock: "Idle.mu"}}) != nil {
		t.Errorf("no waits, yet a chart")
	}
}

func TestBreakdown(t *testing.T) {
	b := newBreakdown(sample())
	if len(b.Runs) != 2 || len(b.Packages) != 1 {
		t.Fatalf("breakdown = %+v", b)
	}
	row := b.Packages[0]
	if row.Package != "example.com/bank" || row.Cells[0].State != "ok" || row.Cells[1].State != "timed out" {
		t.Errorf("row = %+v", row)
	}
	if newBreakdown(&findings.Result{Runs: []findings.RunSummary{{Run: 1}}}) != nil {
		t.Errorf("one run gets a breakdown")
	}
}
