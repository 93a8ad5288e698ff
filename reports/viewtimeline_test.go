package reports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
)

// sampleTimeline is a deadlock caught at 5s: goroutine 7 sampled its hold
// of Account.mu#1 at 1s and waits for Account.mu#2 since 3s; goroutine 8's
// hold of Account.mu#2 has no recorded start, its wait began at 3.5s;
// goroutine 9 is stuck on a channel send since 4s.
func sampleTimeline() *findings.Timeline {
	return &findings.Timeline{SnapshotNs: 5e9, DeadlockNs: 3.5e9, Rows: []findings.TimelineRow{
		{Goroutine: 7, Label: "bank.Transfer", Spans: []findings.TimelineSpan{
			{Kind: "hold", Lock: "Account.mu#1", Class: "Account.mu", Mode: "w", StartNs: 1e9, EndNs: 5e9, Site: "bank.go:31"},
			{Kind: "wait", Lock: "Account.mu#2", Class: "Account.mu", Mode: "w", Reason: "lock", StartNs: 3e9, EndNs: 5e9, Site: "bank.go:33"},
		}},
		{Goroutine: 8, Label: "bank.Audit", Spans: []findings.TimelineSpan{
			{Kind: "hold", Lock: "Account.mu#2", Class: "Account.mu", Mode: "w", StartUnknown: true, EndNs: 5e9, Site: "bank.go:50"},
			{Kind: "wait", Lock: "Account.mu#1", Class: "Account.mu", Mode: "w", Reason: "lock", StartNs: 3.5e9, EndNs: 5e9, Site: "bank.go:52"},
		}},
		{Goroutine: 9, Label: "bank.notify", Spans: []findings.TimelineSpan{
			{Kind: "wait", Reason: "chan send", StartNs: 4e9, EndNs: 5e9, Site: "bank.go:70"},
		}},
	}}
}

func TestTimelineView(t *testing.T) {
	v := newTimelineView(sampleTimeline())
	if v == nil || len(v.Lanes) != 3 {
		t.Fatalf("view = %+v", v)
	}
	if v.FromStart {
		t.Error("the drawing starts at 0.75s, not at the process start")
	}
	if v.Lanes[0].Goroutine.Text != "goroutine 7" || v.Lanes[1].Func.Text != "bank.Audit" {
		t.Errorf("lane labels: %+v / %+v", v.Lanes[0].Goroutine, v.Lanes[1].Func)
	}
	hold, wait := v.Lanes[0].Bars[0], v.Lanes[0].Bars[1]
	if hold.Class != "hold" || hold.Text.Text != "holds Account.mu#1" || wait.Class != "wait" || wait.Text.Text != "waits for Account.mu#2" {
		t.Errorf("bars: %+v, %+v", hold, wait)
	}
	if !strings.Contains(wait.Title, "since 2s before the snapshot, at bank.go:33") {
		t.Errorf("wait tooltip %q", wait.Title)
	}
	// The earliest known start (1s) is near the left edge; the unknown
	// start is drawn at the edge, jagged, with a marker, not at a time.
	unknown := v.Lanes[1].Bars[0]
	if !unknown.Unknown || unknown.Marker == nil || !v.Unknown || !strings.Contains(unknown.Title, "did not record") {
		t.Errorf("unknown start: %+v", unknown)
	}
	if !strings.HasPrefix(unknown.D, fmt.Sprintf("M%d.0 ", v.PlotX0-tlZig)) {
		t.Errorf("the unknown start is not at the left edge: %s (edge %d)", unknown.D, v.PlotX0)
	}
	if send := v.Lanes[2].Bars[0]; send.Class != "wait" || send.Text.Text != "blocked on chan send" {
		t.Errorf("channel wait: %+v", send)
	}
	// The axis ends at the snapshot, "now", and counts back in round steps.
	var labels []string
	for _, tk := range v.Ticks {
		labels = append(labels, tk.Label.Text)
	}
	if got := strings.Join(labels, " "); got != "-4s -3s -2s -1s now" {
		t.Errorf("ticks %q", got)
	}
	if last := v.Ticks[len(v.Ticks)-1]; last.X != v.PlotX1 {
		t.Errorf("now at %d, the plot ends at %d", last.X, v.PlotX1)
	}
	if v.Deadlock == nil || v.Deadlock.Label.Text != "deadlock (-1.5s)" || v.Deadlocked != "-1.5s" {
		t.Fatalf("deadlock marker %+v", v.Deadlock)
	}
	// Bars and the marker are placed on one scale: the deadlock (3.5s) lies
	// between the start of goroutine 7's wait (3s) and the send (4s).
	if x := v.Deadlock.X; x <= barStart(t, wait) || x >= barStart(t, v.Lanes[2].Bars[0]) {
		t.Errorf("deadlock at x=%d, waits start at %d and %d", x, barStart(t, wait), barStart(t, v.Lanes[2].Bars[0]))
	}
	for _, l := range v.Lanes {
		if l.Y < v.PlotY0 || l.Y+l.H > v.PlotY1 || v.PlotY1 > v.H {
			t.Errorf("lane %+v outside the plot %d-%d (height %d)", l.Goroutine, v.PlotY0, v.PlotY1, v.H)
		}
	}
}

func barStart(t *testing.T, b tlBar) int {
	t.Helper()
	var x, y float64
	if _, err := fmt.Sscanf(b.D, "M%f %f", &x, &y); err != nil {
		t.Fatalf("path %q: %v", b.D, err)
	}
	return int(x)
}

func TestTimelineViewBounds(t *testing.T) {
	tl := &findings.Timeline{SnapshotNs: 2e9, MoreRows: 3}
	for g := range 15 {
		row := findings.TimelineRow{Goroutine: int64(g + 1), Label: strings.Repeat("pkg.VeryLongFunctionName", 5), MoreSpans: 1}
		for i := range 11 {
			row.Spans = append(row.Spans, findings.TimelineSpan{Kind: "hold", Lock: strings.Repeat("L", 200) + fmt.Sprint(i), StartUnknown: true, EndNs: 2e9})
		}
		tl.Rows = append(tl.Rows, row)
	}
	v := newTimelineView(tl)
	if len(v.Lanes) != maxTLLanes || v.MoreLanes != 3+15-maxTLLanes {
		t.Errorf("%d lanes, %d more", len(v.Lanes), v.MoreLanes)
	}
	// Spans of the goroutines drawn: the analyzer's count and the view's.
	if want := maxTLLanes * (1 + 11 - maxTLSpans); v.MoreSpans != want {
		t.Errorf("%d more spans, want %d", v.MoreSpans, want)
	}
	for _, l := range v.Lanes {
		if len(l.Bars) != maxTLSpans {
			t.Errorf("%d bars", len(l.Bars))
		}
		if n := len([]rune(l.Func.Text)); float64(n)*tlCharW > float64(v.PlotX0) {
			t.Errorf("label %q runs into the plot", l.Func.Text)
		}
		for _, b := range l.Bars {
			if n := len([]rune(b.Text.Text)); n > maxTLLabel+len("holds ") {
				t.Errorf("bar label of %d runes", n)
			}
		}
	}
	// With no known start the drawing begins at the process start, and
	// there is no deadlock moment to mark.
	if v.Deadlock != nil || v.Ticks[0].Label.Text != "-2s" || !v.FromStart {
		t.Errorf("deadlock %+v, first tick %+v", v.Deadlock, v.Ticks[0])
	}
	if newTimelineView(nil) != nil || newTimelineView(&findings.Timeline{SnapshotNs: 1}) != nil {
		t.Error("a view of nothing")
	}
}

func TestTimelineTicks(t *testing.T) {
	for _, tc := range []struct {
		span int64
		want string
	}{
		{5e9, "-5s -4s -3s -2s -1s now"},
		{12e9, "-12s -10s -8s -6s -4s -2s now"},
		{70e9, "-1m10s -1m0s -50s -40s -30s -20s -10s now"},
		{300e6, "-300ms -250ms -200ms -150ms -100ms -50ms now"},
		{1500, "-1.5µs -1µs -500ns now"},
	} {
		xOf := func(t int64) float64 { return float64(t) }
		var labels []string
		for _, tk := range ticks(100e9-tc.span, 100e9, xOf, 0) {
			labels = append(labels, tk.Label.Text)
		}
		if got := strings.Join(labels, " "); got != tc.want {
			t.Errorf("span %d: %q, want %q", tc.span, got, tc.want)
		}
	}
}
