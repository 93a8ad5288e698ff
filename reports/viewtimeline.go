package reports

import (
	"fmt"
	"math"
	"time"

	"github.com/lockscope/lockscope/findings"
)

// The timeline of a hang or a mixed deadlock: one lane per goroutine, one
// bar per lock held (solid) or wait (hatched), on a time axis that ends at
// the snapshot ("now"). Like the other drawings it is laid out here and
// printed by the template element by element, so every name from the
// target is escaped as text.

// The timeline's bounds and metrics.
const (
	maxTLLanes  = 10 // goroutines drawn
	maxTLSpans  = 8  // bars per goroutine
	maxTLLabel  = 48 // runes of a lock name in a bar's label
	tlW         = 1000
	tlTop       = 26 // the row of marker labels above the lanes
	tlBarH      = 16
	tlBarGap    = 5
	tlLanePad   = 7
	tlLaneMinH  = 44 // room for the two-line goroutine label
	tlAxisH     = 30
	tlCharW     = 7.3 // 12px monospace
	tlZig       = 6   // width of the jagged start of a bar whose start is unknown
	tlRightRoom = 16
)

type timelineView struct {
	W, H       int
	PlotX0     int // the left edge: the earliest start drawn, or the process start
	PlotX1     int // the snapshot
	PlotY0     int
	PlotY1     int
	TickY      int // the bottom of the axis's tick marks
	MarkY      int // the top of the deadlock line
	Lanes      []tlLane
	Ticks      []tlTick
	Deadlock   *tlMarker
	Start      *svgText // "process start" at the left edge, when it is one and there is room
	FromStart  bool     // the left edge is the process start
	Unknown    bool     // some bar's start is unknown: the caption explains the jagged end
	MoreLanes  int
	MoreSpans  int
	Label      string // the drawing's accessible name
	Deadlocked string // "-4.99s": when the deadlock set in, for the caption; "" if unknown
}

type tlLane struct {
	Y, H      int
	Odd       bool
	Goroutine svgText
	Func      svgText
	FuncTitle string // the whole function name
	Bars      []tlBar
}

type tlBar struct {
	Class   string // "hold" or "wait"
	D       string // the outline as path data
	Unknown bool
	Marker  *svgText // "?" before the jagged end of a bar whose start is unknown
	Text    svgText
	Title   string
}

type tlTick struct {
	X     int
	Label svgText
}

type tlMarker struct {
	X     int
	Label svgText
	Title string
}

// newTimelineView lays out tl, or returns nil when there is nothing to draw,
// in three phases: the time window, the lanes, then the axis and the
// deadlock marker.
func newTimelineView(tl *findings.Timeline) *timelineView {
	if tl == nil || len(tl.Rows) == 0 || tl.SnapshotNs <= 0 {
		return nil
	}
	v := &timelineView{W: tlW, MoreLanes: tl.MoreRows}
	rows := tl.Rows
	if len(rows) > maxTLLanes {
		v.MoreLanes += len(rows) - maxTLLanes
		rows = rows[:maxTLLanes]
	}
	now := tl.SnapshotNs
	t0 := v.window(rows, now)
	labelW := v.plotArea(rows)
	xOf := func(t int64) float64 {
		t = min(max(t, t0), now)
		return float64(v.PlotX0) + float64(t-t0)/float64(now-t0)*float64(v.PlotX1-v.PlotX0)
	}
	v.lanes(rows, labelW, xOf, now)
	v.axis(t0, now, tl.DeadlockNs, xOf)
	v.Label = fmt.Sprintf("timeline of %d goroutines up to the lock snapshot", len(v.Lanes))
	return v
}

// window is the time the plot starts at: a little before the earliest
// known start of a span of rows, not before the process started; the
// process start when no start is known. It counts the spans left out.
func (v *timelineView) window(rows []findings.TimelineRow, now int64) (t0 int64) {
	earliest := int64(-1)
	for _, r := range rows {
		v.MoreSpans += r.MoreSpans
		for i, s := range r.Spans {
			if i == maxTLSpans {
				v.MoreSpans += len(r.Spans) - i
				break
			}
			if !s.StartUnknown && s.StartNs <= now && (earliest < 0 || s.StartNs < earliest) {
				earliest = s.StartNs
			}
		}
	}
	if earliest >= 0 {
		t0 = max(0, earliest-(now-earliest)/16)
	}
	if now-t0 < int64(time.Microsecond) {
		t0 = max(0, now-int64(time.Microsecond))
	}
	return t0
}

// plotArea sets the plot's horizontal extent after the lane labels, and
// returns the labels' width.
func (v *timelineView) plotArea(rows []findings.TimelineRow) (labelW int) {
	labelChars := len("goroutine 000000")
	for _, r := range rows {
		labelChars = max(labelChars, len([]rune(findings.ShortFunc(r.Label))))
	}
	labelW = min(240, int(float64(labelChars)*tlCharW)+2*int(padX))
	v.PlotX0, v.PlotX1 = labelW+tlZig+12, tlW-tlRightRoom
	return labelW
}

// lanes draws one lane per goroutine of rows, one bar per span, top down.
func (v *timelineView) lanes(rows []findings.TimelineRow, labelW int, xOf func(int64) float64, now int64) {
	y := tlTop
	v.PlotY0 = y
	for li, r := range rows {
		spans := r.Spans
		if len(spans) > maxTLSpans {
			spans = spans[:maxTLSpans]
		}
		h := max(tlLaneMinH, 2*tlLanePad+len(spans)*(tlBarH+tlBarGap)-tlBarGap)
		fn := findings.ShortFunc(r.Label)
		lane := tlLane{
			Y: y, H: h, Odd: li%2 == 1,
			Goroutine: svgText{X: int(padX), Y: y + 18, Text: fmt.Sprintf("goroutine %d", r.Goroutine)},
			Func:      svgText{X: int(padX), Y: y + 34, Text: clipRunes(fn, int(float64(labelW-int(padX))/tlCharW))},
			FuncTitle: r.Label,
		}
		for i, s := range spans {
			lane.Bars = append(lane.Bars, v.bar(r.Goroutine, s, y+tlLanePad+i*(tlBarH+tlBarGap), xOf, now))
			if s.StartUnknown {
				v.Unknown = true
			}
		}
		v.Lanes = append(v.Lanes, lane)
		y += h
	}
	v.PlotY1, v.TickY, v.MarkY = y, y+5, tlTop-4
	v.H = y + tlAxisH
}

// axis draws the time axis under the lanes and, when deadlockNs falls in
// the window, the marker of the moment the deadlock formed.
func (v *timelineView) axis(t0, now, deadlockNs int64, xOf func(int64) float64) {
	y := v.PlotY1
	v.Ticks = ticks(t0, now, xOf, y+18)
	v.FromStart = t0 == 0
	if t0 == 0 && len(v.Ticks) > 0 && float64(v.Ticks[0].X-v.PlotX0) > 13*tlCharW+40 {
		v.Start = &svgText{X: v.PlotX0, Y: y + 18, Anchor: "start", Text: "process start"}
	}
	if d := deadlockNs; d > 0 && d >= t0 && d <= now {
		x := int(math.Round(xOf(d)))
		rel := "-" + findings.Duration(now-d)
		text := "deadlock (" + rel + ")"
		m := &tlMarker{X: x, Title: fmt.Sprintf("the last of these waits began %s before the snapshot: from then on none of them could proceed", findings.Duration(now-d))}
		if w := int(float64(len(text))*tlCharW) + 8; x+w > v.PlotX1 {
			m.Label = svgText{X: x - 4, Y: tlTop - 8, Anchor: "end", Text: text}
		} else {
			m.Label = svgText{X: x + 4, Y: tlTop - 8, Anchor: "start", Text: text}
		}
		v.Deadlock, v.Deadlocked = m, rel
	}
}

// bar draws span s of goroutine g as one sub-row of its lane, at top y.
func (v *timelineView) bar(g int64, s findings.TimelineSpan, y int, xOf func(int64) float64, now int64) tlBar {
	b := tlBar{Class: s.Kind, Unknown: s.StartUnknown}
	if b.Class != findings.SpanHold {
		b.Class = findings.SpanWait
	}
	x0 := xOf(s.StartNs)
	if s.StartUnknown {
		x0 = float64(v.PlotX0)
	}
	end := s.EndNs
	if end <= 0 || end > now {
		end = now
	}
	x1 := max(xOf(end), x0+2)
	yf, h := float64(y), float64(tlBarH)
	if s.StartUnknown {
		// A jagged left end, reaching back past the edge: it began before.
		z := float64(tlZig)
		b.D = fmt.Sprintf("M%.1f %.1fH%.1fV%.1fH%.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ",
			x0-z, yf, x1, yf+h, x0-z, x0, yf+h*0.75, x0-z, yf+h/2, x0, yf+h/4)
		b.Marker = &svgText{X: int(x0 - z - 3), Y: y + tlBarH - 4, Anchor: "end", Class: "unk", Text: "?"}
	} else {
		b.D = fmt.Sprintf("M%.1f %.1fH%.1fV%.1fH%.1fZ", x0, yf, x1, yf+h, x0)
	}

	lock := clipRunes(s.Lock, maxTLLabel)
	var text string
	switch {
	case s.Kind == findings.SpanHold && s.Mode == "r":
		text = "read-holds " + lock
	case s.Kind == findings.SpanHold:
		text = "holds " + lock
	case s.Lock != "" && s.Mode == "r":
		text = "waits to read-lock " + lock
	case s.Lock != "":
		text = "waits for " + lock
	case s.Reason != "":
		text = "blocked on " + clipRunes(s.Reason, maxTLLabel)
	default:
		text = "waits"
	}
	since := "since a time the lock runtime did not record (the acquisition was not sampled)"
	if s.Kind != findings.SpanHold {
		since = "since a time not recorded"
	}
	if !s.StartUnknown {
		since = fmt.Sprintf("since %s before the snapshot", findings.Duration(now-s.StartNs))
	}
	b.Title = fmt.Sprintf("goroutine %d %s %s", g, text, since)
	if s.Site != "" {
		if s.Kind == findings.SpanHold {
			b.Title += ", acquired at " + s.Site
		} else {
			b.Title += ", at " + s.Site
		}
	}

	tw := float64(len([]rune(text))) * tlCharW
	ty := y + tlBarH - 4
	inset := 5.0
	if s.StartUnknown {
		inset = 3
	}
	switch {
	case x1-x0 >= tw+2*inset:
		b.Text = svgText{X: int(x0 + inset), Y: ty, Anchor: "start", Class: "in", Text: text}
	case x0-float64(v.PlotX0) >= tw+6:
		b.Text = svgText{X: int(x0 - 4), Y: ty, Anchor: "end", Class: "out", Text: text}
	default:
		b.Text = svgText{X: int(x0 + inset), Y: ty, Anchor: "start", Class: "out", Text: text}
	}
	return b
}

// ticks marks the axis back from now at a round step, at most 8 marks.
func ticks(t0, now int64, xOf func(int64) float64, y int) []tlTick {
	span := float64(now - t0)
	step := 1.0 // ns: the smallest of 1, 2, 5 times a power of ten that gives at most 7 steps
	for e := 0.0; span/step > 7; e++ {
		for _, m := range []float64{1, 2, 5} {
			if step = m * math.Pow(10, e); span/step <= 7 {
				break
			}
		}
	}
	var out []tlTick
	for k := 0; float64(k)*step <= span; k++ {
		d := int64(float64(k) * step)
		label := "now"
		if k > 0 {
			label = "-" + findings.Duration(d)
		}
		x := int(math.Round(xOf(now - d)))
		anchor := "middle"
		if k == 0 {
			anchor = "end"
		}
		out = append(out, tlTick{X: x, Label: svgText{X: x, Y: y, Anchor: anchor, Text: label}})
	}
	// Left to right.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// clipRunes cuts s to n runes, marking the cut with an ellipsis.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if n < 2 || len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
