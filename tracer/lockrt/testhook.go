package lockrt

import (
	"context"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
)

// TB is what TestStart needs of a test: *testing.T has it. The runtime
// does not import package testing, which would give every instrumented
// program the test flags.
type TB interface {
	Name() string
	Cleanup(func())
}

// testLabel is the pprof goroutine label that names the test a goroutine
// belongs to. Goroutines inherit their creator's labels, so every
// goroutine a test starts, directly or through goroutines it started,
// carries the test's name.
const testLabel = "lockscope.test"

// leakWindow bounds how long a test's end waits for its goroutines to
// exit, as goleak does; leakPollMax bounds one wait between two looks.
const (
	leakWindow  = time.Second
	leakPollMax = 100 * time.Millisecond
)

var labelsOnce sync.Once

// TestStart marks the calling goroutine, a test's, as the test t: it sets a
// pprof goroutine label naming t, which every goroutine the test starts
// inherits, and registers a cleanup that, when the test and its cleanups
// are done, looks for the goroutines still carrying that label. Those
// still there after a window of up to a second (polled with backoff, as
// goleak does; no minimum time parked) and blocked are the test's leaks,
// written as one KindLeak; then a KindTest marks the end. The rewriter
// inserts TestStart(t) as the first statement of every TestXxx function
// and of every function literal passed to t.Run. With recording off it
// does nothing.
func TestStart(t TB) {
	r := cur.Load()
	if r == nil {
		return
	}
	labelsOnce.Do(showLabels)
	name := t.Name()
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(testLabel, name)))
	self := r.goid()
	t.Cleanup(func() { r.testEnd(name, self) })
}

// ExampleStart labels the goroutine of example name, as TestStart does a
// test's, and returns what ends the example: deferred by the instrumented
// example, it takes the labels off again and reports the goroutines the
// example started and left blocked as its leaks. An example has no
// *testing.T and runs on the goroutine that runs the test binary's
// examples one after another.
func ExampleStart(name string) func() {
	r := cur.Load()
	if r == nil {
		return func() {}
	}
	labelsOnce.Do(showLabels)
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(testLabel, name)))
	self := r.goid()
	return func() {
		pprof.SetGoroutineLabels(context.Background())
		r.testEnd(name, self)
	}
}

// showLabels makes goroutine dumps show labels (GODEBUG tracebacklabels,
// Go 1.26 and later; older runtimes ignore it and dumps show none, so no
// goroutine is attributed to a test). The runtime rereads GODEBUG when it
// is set.
func showLabels() {
	v := os.Getenv("GODEBUG")
	if strings.Contains(v, "tracebacklabels=") {
		return
	}
	if v != "" {
		v += ","
	}
	_ = os.Setenv("GODEBUG", v+"tracebacklabels=1")
}

// testEnd writes the leaks of test name, whose goroutine is self: the
// goroutines labelled with its name that are still there after the
// window, those blocked reported as a KindLeak; then KindTest, with the
// goroutines that ended holding locks.
func (r *recorder) testEnd(name string, self int64) {
	start := time.Now()
	wait := time.Millisecond
	var all []labelled
	seen := sightings{}
	for {
		all = parseLabelled(dump())
		gs := ofTest(all, name, self)
		if len(gs) == 0 {
			break
		}
		seen.see(gs)
		if time.Since(start) >= leakWindow {
			r.emitLeaks("test", name, self, seen)
			break
		}
		time.Sleep(wait)
		if wait *= 2; wait > leakPollMax {
			wait = leakPollMax
		}
	}
	ended := endedHolders(r.collect(0, 0), all, self)
	r.emit(&event.Event{Kind: event.KindTest, Test: name, Goroutine: self, Goroutines: goroutinesOf(ended)}, refsOf(nil, ended)...)
}

// endedHolders returns the goroutines of gs that hold locks but are not
// in the dump all, and the test goroutine self if it holds any (its
// function returned holding them, and it ends after this cleanup): lock
// leaks. The analyzer blames the first test whose end lists one.
func endedHolders(gs []gstate, all []labelled, self int64) []gstate {
	alive := map[int64]bool{}
	for _, g := range all {
		alive[g.id] = true
	}
	var out []gstate
	for _, g := range gs {
		if len(g.held) > 0 && (!alive[g.id] || g.id == self) {
			out = append(out, g)
		}
	}
	return out
}

// emitLeaks writes one KindLeak for the goroutines of test name (other
// than self) that are still there, after asking the leak profile which of
// them are proved leaked: those blocked now, and those busy now that seen
// saw blocked during the window. It writes nothing when there is none.
func (r *recorder) emitLeaks(reason, name string, self int64, seen sightings) {
	proof := queryLeaks()
	texts := seen.leaks(ofTest(parseLabelled(dump()), name, self))
	if len(texts) == 0 {
		return
	}
	var b strings.Builder
	for _, t := range texts {
		b.WriteString(t)
		b.WriteString("\n\n")
	}
	r.emit(&event.Event{Kind: event.KindLeak, Reason: reason, Test: name, Proof: proof, Dump: b.String()})
}

// maxLeaks bounds the goroutines one KindLeak lists.
const maxLeaks = 200

// sightings are the blocks of a test's goroutines as last seen blocked, by
// goroutine ID, in the dumps taken while the test's end waits for them.
type sightings map[int64]string

// see notes the goroutines of gs that are blocked.
func (s sightings) see(gs []labelled) {
	for i := range gs {
		if gs[i].blocked() {
			s[gs[i].id] = gs[i].text
		}
	}
}

// leaks returns the blocks to report of gs, the goroutines left after the
// window: each one blocked now as it is now (the leak profile's "(leaked)"
// mark is in this dump only), and each one busy now but seen blocked
// before as it was then. A goroutine a live ticker keeps waking is
// runnable now and then, more often on a loaded machine; one never seen
// blocked is working, not leaked.
func (s sightings) leaks(gs []labelled) []string {
	var out []string
	for i := range gs {
		if len(out) == maxLeaks {
			break
		}
		if gs[i].blocked() {
			out = append(out, gs[i].text)
		} else if text, ok := s[gs[i].id]; ok {
			out = append(out, text)
		}
	}
	return out
}

// ofTest returns the goroutines of gs labelled as test name, other than
// self, that run code of the target's modules: the standard library's and
// the testing package's own background goroutines (an HTTP client's idle
// connections, say) are not the test's.
func ofTest(gs []labelled, name string, self int64) []labelled {
	var out []labelled
	for _, g := range gs {
		if g.test == name && g.id != self && g.user() {
			out = append(out, g)
		}
	}
	return out
}
