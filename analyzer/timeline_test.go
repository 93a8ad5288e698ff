package analyzer

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// hangInput is a two-goroutine deadlock on A.mu and B.mu caught at 5s:
// goroutine 7's hold of A.mu was sampled at 0.5s, goroutine 8's hold of
// B.mu was not; their waits began at 1s and 2s.
func hangInput() *Input {
	f := newFixture("A.mu", "B.mu")
	f.inst("A.mu", 1, 1)
	f.inst("B.mu", 2, 1)
	f.edge(7, "transfer", f.w("B.mu", 2), f.w("A.mu", 1))
	f.edge(8, "audit", f.w("A.mu", 1), f.w("B.mu", 2))
	heldA, heldB := f.w("A.mu", 1), f.w("B.mu", 2)
	heldA.Since = 5e8
	wantB, wantA := f.w("B.mu", 2), f.w("A.mu", 1)
	wantB.Since, wantA.Since = 1e9, 2e9
	f.add(event.Event{Kind: event.KindSnapshot, Reason: "signal", Time: 5e9, Dump: hangDump, Goroutines: []event.Goroutine{
		{ID: 8, Held: []event.Lock{heldB}, Waiting: &wantA},
		{ID: 7, Held: []event.Lock{heldA}, Waiting: &wantB},
	}})
	in := f.input()
	in.Processes[0].TimedOut = true
	return in
}

func TestTimelineOfHangCycle(t *testing.T) {
	h := ofKind(analyze(t, hangInput()), "hang")
	if len(h) != 1 {
		t.Fatalf("hang = %+v", h)
	}
	// The timeline is added beside the finding: its fingerprint is the
	// one computed from kind, locks and functions alone.
	if want := findings.Fingerprint("hang", []string{"A.mu", "B.mu"}, []string{"app.audit", "app.transfer", "example.com/app"}); h[0].ID != want {
		t.Errorf("fingerprint changed: %s, want %s", h[0].ID, want)
	}
	tl := h[0].Timeline
	if tl == nil {
		t.Fatal("no timeline")
	}
	lockSite := func(class string) string { return "app.go:" + map[string]string{"A.mu": "11", "B.mu": "12"}[class] }
	want := &findings.Timeline{SnapshotNs: 5e9, DeadlockNs: 2e9, Rows: []findings.TimelineRow{
		{Goroutine: 7, Label: "app.transfer", Spans: []findings.TimelineSpan{
			{Kind: "hold", Lock: "A.mu#1", Class: "A.mu", Mode: "w", StartNs: 5e8, EndNs: 5e9, Site: lockSite("A.mu")},
			{Kind: "wait", Lock: "B.mu#1", Class: "B.mu", Mode: "w", Reason: "lock", StartNs: 1e9, EndNs: 5e9, Site: lockSite("B.mu")},
		}},
		{Goroutine: 8, Label: "app.audit", Spans: []findings.TimelineSpan{
			{Kind: "hold", Lock: "B.mu#1", Class: "B.mu", Mode: "w", StartUnknown: true, EndNs: 5e9, Site: lockSite("B.mu")},
			{Kind: "wait", Lock: "A.mu#1", Class: "A.mu", Mode: "w", Reason: "lock", StartNs: 2e9, EndNs: 5e9, Site: lockSite("A.mu")},
		}},
	}}
	if !reflect.DeepEqual(tl, want) {
		got, _ := json.MarshalIndent(tl, "", "  ")
		t.Errorf("timeline:\n%s", got)
	}
	// The same input gives the same timeline, byte for byte.
	again := ofKind(analyze(t, hangInput()), "hang")[0].Timeline
	a, _ := json.Marshal(tl)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Errorf("two analyses differ:\n%s\n%s", a, b)
	}
	if !strings.Contains(string(a), `"start_unknown":true`) || !strings.Contains(string(a), `"snapshot_ns":5000000000`) {
		t.Errorf("json = %s", a)
	}
}

const mixedDump = `goroutine 7 [chan send, 3 minutes]:
example.com/app.produce(0x1)
	/mod/app.go:40 +0x1d

goroutine 8 [sync.Mutex.Lock, 3 minutes]:
github.com/lockscope/lockscope/tracer/lockrt.(*Mutex).Lock(0xc0000)
	/rt/mutex.go:50 +0x1d
example.com/app.consume()
	/mod/app.go:60 +0x1d
`

// TestTimelineOfMixedDeadlock: goroutine 7 is stuck sending while holding
// A.mu, which goroutine 8 (its receiver) waits for. Without an execution
// trace the send's start is unknown, and so is the deadlock moment.
func TestTimelineOfMixedDeadlock(t *testing.T) {
	f := newFixture("A.mu")
	f.inst("A.mu", 1, 1)
	want := f.w("A.mu", 1)
	want.Since = 3e9
	f.add(event.Event{Kind: event.KindSnapshot, Reason: "signal", Time: 4e9, Dump: mixedDump, Goroutines: []event.Goroutine{
		{ID: 7, Held: []event.Lock{f.w("A.mu", 1)}},
		{ID: 8, Waiting: &want},
	}})
	in := f.input()
	in.Processes[0].TimedOut = true
	res := analyze(t, in)
	m := ofKind(res, "mixed-deadlock")
	if len(m) != 1 || m[0].Timeline == nil {
		t.Fatalf("mixed-deadlock = %+v", m)
	}
	tl := m[0].Timeline
	if tl.DeadlockNs != 0 || tl.SnapshotNs != 4e9 || len(tl.Rows) != 2 {
		t.Fatalf("timeline = %+v", tl)
	}
	g7, g8 := tl.Rows[0], tl.Rows[1]
	if g7.Goroutine != 7 || g7.Label != "app.produce" || len(g7.Spans) != 2 {
		t.Fatalf("row 0 = %+v", g7)
	}
	if s := g7.Spans[1]; s.Kind != "wait" || s.Reason != "chan send" || s.Lock != "" || !s.StartUnknown || s.Site != "app.go:40" {
		t.Errorf("the send = %+v", s)
	}
	if s := g8.Spans[0]; g8.Goroutine != 8 || s.Kind != "wait" || s.Lock != "A.mu#1" || s.StartNs != 3e9 || s.StartUnknown {
		t.Errorf("row 1 = %+v", g8)
	}
	// The hang of the same process lists both goroutines too: the waiter,
	// then the holder it waits for.
	h := ofKind(res, "hang")
	if len(h) != 1 || h[0].Timeline == nil {
		t.Fatalf("hang = %+v", h)
	}
	var ids []int64
	for _, r := range h[0].Timeline.Rows {
		ids = append(ids, r.Goroutine)
	}
	if !reflect.DeepEqual(ids, []int64{8, 7}) || h[0].Timeline.DeadlockNs != 0 {
		t.Errorf("hang timeline rows %v, deadlock at %d", ids, h[0].Timeline.DeadlockNs)
	}
}

func TestTimelineBounds(t *testing.T) {
	f := newFixture("A.mu")
	var gs []event.Goroutine
	var held []event.Lock
	for i := range 30 {
		f.inst("A.mu", int64(100+i), int64(i+1))
		l := f.w("A.mu", int64(100+i))
		held = append(held, l)
	}
	gs = append(gs, event.Goroutine{ID: 1, Held: held})
	for i := range 20 {
		want := f.w("A.mu", 100)
		want.Since = int64(i+1) * 1e6
		gs = append(gs, event.Goroutine{ID: int64(10 + i), Waiting: &want})
	}
	f.add(event.Event{Kind: event.KindSnapshot, Reason: "signal", Time: 1e9, Goroutines: gs})
	in := f.input()
	in.Processes[0].TimedOut = true
	h := ofKind(analyze(t, in), "hang")
	if len(h) != 1 || h[0].Timeline == nil {
		t.Fatalf("hang = %+v", h)
	}
	tl := h[0].Timeline
	if len(tl.Rows) != maxTimelineRows || tl.MoreRows == 0 {
		t.Errorf("%d rows, %d more", len(tl.Rows), tl.MoreRows)
	}
	for _, r := range tl.Rows {
		if len(r.Spans) > maxTimelineSpans {
			t.Errorf("goroutine %d: %d spans", r.Goroutine, len(r.Spans))
		}
		if r.Goroutine == 1 && r.MoreSpans != 30-maxTimelineSpans {
			t.Errorf("goroutine 1: %d more spans, want %d", r.MoreSpans, 30-maxTimelineSpans)
		}
	}
}

func TestHangWithoutSnapshotHasNoTimeline(t *testing.T) {
	in := newFixture().input()
	in.Processes[0].TimedOut = true
	in.Processes[0].OutputTail = "SIGQUIT: quit\n\n" + hangDump
	if h := ofKind(analyze(t, in), "hang"); len(h) != 1 || h[0].Timeline != nil {
		t.Fatalf("hang = %+v", h)
	}
}
