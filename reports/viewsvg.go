package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/lockscope/lockscope/findings"
)

// The drawings are laid out here and printed by the template, element by
// element, so that every name in them is escaped like any other text.

// Text metrics of the drawings' monospace font (13px), to size boxes.
const (
	charW  = 7.9
	lineH  = 16.0
	padX   = 10.0
	margin = 24.0
)

// svgView is one drawing: boxes, curves and labels in pixels.
type svgView struct {
	W, H  int
	Nodes []svgNode
	Edges []svgEdge
	Texts []svgText // edge labels
}

type svgNode struct {
	X, Y, W, H int // the box
	Class      string
	Title      string // tooltip
	Lines      []svgText
}

type svgText struct {
	X, Y   int
	Anchor string // text-anchor
	Class  string
	Text   string
}

type svgEdge struct {
	D     string // path data
	Class string
	Title string // tooltip
}

// canvas collects a drawing in float coordinates and shifts it to the
// origin when done.
type canvas struct {
	nodes []fnode
	edges []fedge
	texts []ftext
}

type fnode struct {
	cx, cy, hw, hh float64
	class, title   string
	lines          []string
}

type fedge struct {
	pts          []float64 // M x y, then C or Q control points
	cmd          string    // "Q" or "C"
	class, title string
}

type ftext struct {
	x, y          float64
	anchor, class string
	text          string
}

func boxFor(lines []string) (hw, hh float64) {
	w := 0
	for _, l := range lines {
		w = max(w, len([]rune(l)))
	}
	return (float64(w)*charW + 2*padX) / 2, (float64(len(lines))*lineH + 12) / 2
}

// finish translates everything by the top-left margin and rounds.
func (c *canvas) finish() *svgView {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	grow := func(x, y float64) {
		minX, minY, maxX, maxY = math.Min(minX, x), math.Min(minY, y), math.Max(maxX, x), math.Max(maxY, y)
	}
	for _, n := range c.nodes {
		grow(n.cx-n.hw, n.cy-n.hh)
		grow(n.cx+n.hw, n.cy+n.hh)
	}
	for _, e := range c.edges {
		for i := 0; i+1 < len(e.pts); i += 2 {
			grow(e.pts[i], e.pts[i+1])
		}
	}
	for _, t := range c.texts {
		w := float64(len([]rune(t.text))) * charW
		switch t.anchor {
		case "start":
			grow(t.x+w, t.y)
			grow(t.x, t.y-lineH)
		case "end":
			grow(t.x-w, t.y-lineH)
			grow(t.x, t.y)
		default:
			grow(t.x-w/2, t.y-lineH)
			grow(t.x+w/2, t.y)
		}
	}
	if math.IsInf(minX, 0) {
		return nil
	}
	dx, dy := margin-minX, margin-minY
	r := func(v float64) int { return int(math.Round(v)) }
	v := &svgView{W: r(maxX - minX + 2*margin), H: r(maxY - minY + 2*margin)}
	for _, n := range c.nodes {
		sn := svgNode{X: r(n.cx - n.hw + dx), Y: r(n.cy - n.hh + dy), W: r(2 * n.hw), H: r(2 * n.hh), Class: n.class, Title: n.title}
		top := n.cy - n.hh + dy + 6 + lineH - 4
		for i, l := range n.lines {
			cls := "name"
			if i > 0 {
				cls = "sub"
			}
			sn.Lines = append(sn.Lines, svgText{X: r(n.cx + dx), Y: r(top + float64(i)*lineH), Anchor: "middle", Class: cls, Text: l})
		}
		v.Nodes = append(v.Nodes, sn)
	}
	for _, e := range c.edges {
		var b strings.Builder
		for i := 0; i+1 < len(e.pts); i += 2 {
			switch {
			case i == 0:
				b.WriteString("M")
			case i == 2:
				b.WriteString(" " + e.cmd)
			}
			fmt.Fprintf(&b, " %d %d", r(e.pts[i]+dx), r(e.pts[i+1]+dy))
		}
		v.Edges = append(v.Edges, svgEdge{D: b.String(), Class: e.class, Title: e.title})
	}
	for _, t := range c.texts {
		v.Texts = append(v.Texts, svgText{X: r(t.x + dx), Y: r(t.y + dy), Anchor: t.anchor, Class: t.class, Text: t.text})
	}
	return v
}

// exit is where the ray from a box's centre toward (tx, ty) leaves the
// box, plus gap.
func exit(n fnode, tx, ty, gap float64) (float64, float64) {
	dx, dy := tx-n.cx, ty-n.cy
	d := math.Hypot(dx, dy)
	if d == 0 {
		return n.cx, n.cy
	}
	dx, dy = dx/d, dy/d
	t := math.Inf(1)
	if dx != 0 {
		t = n.hw / math.Abs(dx)
	}
	if dy != 0 {
		t = math.Min(t, n.hh/math.Abs(dy))
	}
	return n.cx + dx*(t+gap), n.cy + dy*(t+gap)
}

// nodeLines splits an instance name, "Account.mu#1 (first locked at
// main.go:36)", into a name line and a detail line.
func nodeLines(name string) []string {
	if i := strings.Index(name, " ("); i > 0 && strings.HasSuffix(name, ")") {
		return []string{name[:i], name[i+2 : len(name)-1]}
	}
	return []string{name}
}

// newCycleView draws a lock-order cycle on a circle, clockwise from the
// top, each arrow labelled with the function that takes that edge.
func newCycleView(dir string, f *findings.Finding) *svgView {
	k := len(f.Locks)
	if k < 2 || k > 24 {
		return nil
	}
	c := &canvas{}
	maxHW, maxHH := 0.0, 0.0
	for _, name := range f.Locks {
		hw, hh := boxFor(nodeLines(name))
		maxHW, maxHH = math.Max(maxHW, hw), math.Max(maxHH, hh)
	}
	radius := math.Max(70+maxHH, (2*maxHW+60)/(2*math.Sin(math.Pi/float64(k))))
	if k == 2 {
		radius = maxHH + 60
	}
	for i, name := range f.Locks {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(k)
		lines := nodeLines(name)
		hw, hh := boxFor(lines)
		c.nodes = append(c.nodes, fnode{cx: radius * math.Cos(a), cy: radius * math.Sin(a), hw: hw, hh: hh, class: "cyc", title: name, lines: lines})
	}
	for i := range k {
		a, b := c.nodes[i], c.nodes[(i+1)%k]
		mx, my := (a.cx+b.cx)/2, (a.cy+b.cy)/2
		ox, oy := mx, my // outward: away from the circle's centre
		if k == 2 || math.Hypot(ox, oy) < 1 {
			ox, oy = -(b.cy - a.cy), b.cx-a.cx
		}
		on := math.Hypot(ox, oy)
		ox, oy = ox/on, oy/on
		bulge := 0.22*math.Hypot(b.cx-a.cx, b.cy-a.cy) + 18
		if k == 2 {
			bulge = math.Max(bulge, a.hw+50)
		}
		qx, qy := mx+ox*bulge, my+oy*bulge
		sx, sy := exit(a, qx, qy, 2)
		ex, ey := exit(b, qx, qy, 6)
		title := fmt.Sprintf("%s is taken while %s is held", f.Locks[(i+1)%k], f.Locks[i])
		c.edges = append(c.edges, fedge{pts: []float64{sx, sy, qx, qy, ex, ey}, cmd: "Q", class: "cyc", title: title})
		if fn := edgeSite(dir, f, i); fn != "" {
			lx, ly := 0.25*sx+0.5*qx+0.25*ex+ox*10, 0.25*sy+0.5*qy+0.25*ey+oy*10+4
			anchor := "middle"
			switch {
			case ox > 0.3:
				anchor = "start"
			case ox < -0.3:
				anchor = "end"
			}
			c.texts = append(c.texts, ftext{x: lx, y: ly, anchor: anchor, class: "edge-label", text: fn})
		}
	}
	return c.finish()
}

// edgeSite names where the cycle's i-th edge is taken: main.transfer:38.
func edgeSite(dir string, f *findings.Finding, i int) string {
	if i >= len(f.Evidence) || len(f.Evidence[i].Stack) == 0 {
		return ""
	}
	fr := f.Evidence[i].Stack[0]
	return fmt.Sprintf("%s:%d", findings.ShortFunc(fr.Func), fr.Line)
}
