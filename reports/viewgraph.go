package reports

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/lockscope/lockscope/findings"
)

// Bounds of the lock-order graph drawing and table.
const (
	maxGraphNodes = 80  // drawn; locks in cycles first, then the most connected
	maxGraphEdges = 400 // drawn
	maxEdgeRows   = 300 // in the edge table
	layerGap      = 90.0
	rowGap        = 18.0
)

// graphView is the whole lock-order graph: a layered drawing and a table.
type graphView struct {
	SVG        *svgView
	Nodes      int
	Edges      int
	CycleEdges int
	NotDrawn   int // nodes left out of the drawing
	Rows       []edgeRow
	MoreRows   int
}

type edgeRow struct {
	From, To, Modes string
	Count           int
	InCycle         bool
	TryOnly         bool
	// Runs names the runs that saw the edge (--runs, --explore): "runs 1, 3".
	Runs string
}

func newGraphView(g findings.Graph) *graphView {
	if len(g.Nodes) == 0 && len(g.Edges) == 0 {
		return nil
	}
	v := &graphView{Nodes: len(g.Nodes), Edges: len(g.Edges)}
	edges := append([]findings.Edge(nil), g.Edges...)
	sort.SliceStable(edges, func(i, j int) bool {
		a, b := edges[i], edges[j]
		if a.InCycle != b.InCycle {
			return a.InCycle
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	for i, e := range edges {
		if e.InCycle {
			v.CycleEdges++
		}
		if i < maxEdgeRows {
			v.Rows = append(v.Rows, edgeRow{From: e.From, To: e.To, Modes: strings.Join(e.Modes, ", "), Count: e.Count, InCycle: e.InCycle, TryOnly: e.TryOnly, Runs: runsWords(e.Runs)})
		}
	}
	v.MoreRows = max(0, len(edges)-maxEdgeRows)
	names := drawnNodes(g, edges)
	v.NotDrawn = max(0, len(g.Nodes)-len(names))
	v.SVG = layered(names, edges)
	return v
}

// drawnNodes picks the nodes to draw: all of them up to maxGraphNodes,
// else those on cycle edges first, then the most connected.
func drawnNodes(g findings.Graph, edges []findings.Edge) []string {
	score := map[string]int{}
	for _, n := range g.Nodes {
		score[n.Name] += 0
	}
	for _, e := range edges {
		w := 1
		if e.InCycle {
			w = 1 << 20
		}
		score[e.From] += w
		score[e.To] += w
	}
	var names []string
	for n := range score {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if score[names[i]] != score[names[j]] {
			return score[names[i]] > score[names[j]]
		}
		return names[i] < names[j]
	})
	if len(names) > maxGraphNodes {
		names = names[:maxGraphNodes]
	}
	sort.Strings(names)
	return names
}

// layered draws the graph left to right: cycles are broken by reversing
// back edges of a depth-first search, each node goes in the layer of its
// longest path from a source, and a few barycentre sweeps order each layer.
func layered(names []string, edges []findings.Edge) *svgView {
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
	}
	var drawn []findings.Edge
	out := make([][]int, len(names))
	for _, e := range edges {
		f, okf := idx[e.From]
		t, okt := idx[e.To]
		if !okf || !okt || len(drawn) == maxGraphEdges {
			continue
		}
		drawn = append(drawn, e)
		if f != t {
			out[f] = append(out[f], t)
		}
	}
	layer := layers(len(names), out)
	order := orderLayers(layer, out)

	c := &canvas{}
	nodes := make([]fnode, len(names))
	x := 0.0
	for _, col := range order {
		hwMax := 0.0
		for _, n := range col {
			hw, _ := boxFor([]string{names[n]})
			hwMax = max(hwMax, hw)
		}
		_, hh := boxFor([]string{""})
		height := float64(len(col))*(2*hh+rowGap) - rowGap
		for i, n := range col {
			hw, _ := boxFor([]string{names[n]})
			nodes[n] = fnode{cx: x + hwMax, cy: -height/2 + hh + float64(i)*(2*hh+rowGap), hw: hw, hh: hh, title: names[n], lines: []string{names[n]}}
		}
		x += 2*hwMax + layerGap
	}
	for _, e := range drawn {
		if e.InCycle {
			nodes[idx[e.From]].class = "cyc"
			nodes[idx[e.To]].class = "cyc"
		}
	}
	c.nodes = nodes
	for _, e := range drawn {
		c.edges = append(c.edges, graphEdge(nodes[idx[e.From]], nodes[idx[e.To]], layer[idx[e.From]], layer[idx[e.To]], e))
	}
	return c.finish()
}

func graphEdge(a, b fnode, la, lb int, e findings.Edge) fedge {
	fe := fedge{cmd: "C", title: edgeTitle(e)}
	switch {
	case e.InCycle:
		fe.class = "cyc"
	case e.TryOnly:
		fe.class = "try"
	}
	switch {
	case e.From == e.To: // a loop over the box's top right corner
		x, y := a.cx+a.hw-12, a.cy-a.hh
		fe.pts = []float64{x - 14, y - 2, x - 14, y - 34, x + 34, y - 30, a.cx + a.hw + 6, a.cy - 4}
	case lb > la: // forward: right side to left side
		sx, sy := a.cx+a.hw+2, a.cy
		ex, ey := b.cx-b.hw-6, b.cy
		mid := (ex - sx) / 2
		fe.pts = []float64{sx, sy, sx + mid, sy, ex - mid, ey, ex, ey}
	default: // backward or within a layer: under the boxes
		sx, sy := a.cx, a.cy+a.hh+2
		ex, ey := b.cx, b.cy+b.hh+6
		low := max(sy, ey) + 28 + 8*float64(la-lb)
		fe.pts = []float64{sx, sy, sx, low, ex, low, ex, ey}
	}
	return fe
}

func edgeTitle(e findings.Edge) string {
	s := fmt.Sprintf("%s → %s: %d observation", e.From, e.To, e.Count)
	if e.Count != 1 {
		s += "s"
	}
	if len(e.Modes) > 0 {
		s += " (" + strings.Join(e.Modes, ", ") + ")"
	}
	if e.InCycle {
		s += ", in a cycle"
	}
	return s
}

// layers assigns each node the length of its longest path from a source
// over the graph with its depth-first back edges removed.
func layers(n int, out [][]int) []int {
	state := make([]int, n) // 0 new, 1 on stack, 2 done
	var order []int         // reverse post-order of the forward edges
	dag := make([][]int, n)
	var visit func(int)
	visit = func(u int) {
		state[u] = 1
		for _, w := range out[u] {
			switch state[w] {
			case 0:
				dag[u] = append(dag[u], w)
				visit(w)
			case 2:
				dag[u] = append(dag[u], w)
			}
		}
		state[u] = 2
		order = append(order, u)
	}
	for u := range n {
		if state[u] == 0 {
			visit(u)
		}
	}
	layer := make([]int, n)
	for i := len(order) - 1; i >= 0; i-- {
		u := order[i]
		for _, w := range dag[u] {
			layer[w] = max(layer[w], layer[u]+1)
		}
	}
	return layer
}

// orderLayers groups nodes by layer and orders each layer by the mean
// position of its neighbours in the previous one, in a few sweeps.
func orderLayers(layer []int, out [][]int) [][]int {
	top := 0
	for _, l := range layer {
		top = max(top, l)
	}
	cols := make([][]int, top+1)
	for u, l := range layer {
		cols[l] = append(cols[l], u)
	}
	in := make([][]int, len(layer))
	for u, ws := range out {
		for _, w := range ws {
			in[w] = append(in[w], u)
		}
	}
	pos := make([]float64, len(layer))
	setPos := func(col []int) {
		for i, u := range col {
			pos[u] = float64(i)
		}
	}
	for _, col := range cols {
		setPos(col)
	}
	for sweep := range 4 {
		nbr := in
		if sweep%2 == 1 {
			nbr = out
		}
		for _, col := range cols {
			bary := map[int]float64{}
			for _, u := range col {
				sum, k := 0.0, 0
				for _, w := range nbr[u] {
					if layer[w] != layer[u] {
						sum += pos[w]
						k++
					}
				}
				bary[u] = pos[u]
				if k > 0 {
					bary[u] = sum / float64(k)
				}
			}
			sort.SliceStable(col, func(i, j int) bool { return bary[col[i]] < bary[col[j]] })
			setPos(col)
		}
	}
	return cols
}

// runsWords lists run numbers: "run 2", "runs 1, 3"; "" for none.
func runsWords(runs []int) string {
	if len(runs) == 0 {
		return ""
	}
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = strconv.Itoa(r)
	}
	if len(runs) == 1 {
		return "run " + out[0]
	}
	return "runs " + strings.Join(out, ", ")
}
