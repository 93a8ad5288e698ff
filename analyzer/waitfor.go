package analyzer

import (
	"sort"
	"strings"
	"time"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/analyzer/internal/gtrace"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// waitFor is the wait-for graph of one snapshot: each waiting goroutine
// points at the goroutines it waits for.
type waitFor struct {
	proc *proc
	snap *event.Event
	gs   map[int64]*event.Goroutine
	ids  []int64 // sorted goroutine IDs
	// on maps a waiter to the goroutines it waits for, sorted.
	on map[int64][]int64
}

// latestSnapshot returns the last "signal" snapshot of pr, else its last
// "exit" snapshot, else nil.
func latestSnapshot(pr *proc) *event.Event {
	var exit *event.Event
	for i := len(pr.Snapshots) - 1; i >= 0; i-- {
		s := pr.Snapshots[i]
		if s.Reason == "signal" {
			return s
		}
		if exit == nil && s.Reason == "exit" {
			exit = s
		}
	}
	return exit
}

func newWaitFor(pr *proc, snap *event.Event) *waitFor {
	w := &waitFor{proc: pr, snap: snap, gs: map[int64]*event.Goroutine{}, on: map[int64][]int64{}}
	for i := range snap.Goroutines {
		g := &snap.Goroutines[i]
		w.gs[g.ID] = g
		w.ids = append(w.ids, g.ID)
	}
	sort.Slice(w.ids, func(i, j int) bool { return w.ids[i] < w.ids[j] })
	for _, id := range w.ids {
		if g := w.gs[id]; g.Waiting != nil {
			w.on[id] = w.holders(g)
		}
	}
	return w
}

// holders returns whom g waits for: every holder of the wanted instance
// for a write; the write holders for a read or, with none, the writers
// queued for it (Go's RLock waits behind a waiting writer).
func (w *waitFor) holders(g *event.Goroutine) []int64 {
	want := *g.Waiting
	var writers, readers, queued []int64
	for _, id := range w.ids {
		h := w.gs[id]
		for _, l := range h.Held {
			if l.Inst != want.Inst {
				continue
			}
			if modeOf(l) == event.Write {
				writers = append(writers, id)
			} else {
				readers = append(readers, id)
			}
		}
		if id != g.ID && h.Waiting != nil && h.Waiting.Inst == want.Inst && modeOf(*h.Waiting) == event.Write {
			queued = append(queued, id)
		}
	}
	switch {
	case modeOf(want) == event.Write:
		return uniqueIDs(append(writers, readers...))
	case len(writers) > 0:
		return uniqueIDs(writers)
	case len(readers) > 0:
		return uniqueIDs(queued)
	}
	return nil
}

func uniqueIDs(ids []int64) []int64 {
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out []int64
	for _, id := range ids {
		if len(out) == 0 || out[len(out)-1] != id {
			out = append(out, id)
		}
	}
	return out
}

// cycle returns the first wait-for cycle (goroutines in wait order,
// starting from the smallest ID reached), or nil.
func (w *waitFor) cycle() []int64 {
	state := map[int64]int{} // 1 on the path, 2 done
	var path []int64
	var visit func(id int64) []int64
	visit = func(id int64) []int64 {
		state[id] = 1
		path = append(path, id)
		for _, n := range w.on[id] {
			if state[n] == 1 {
				for i, p := range path {
					if p == n {
						return append([]int64(nil), path[i:]...)
					}
				}
			}
			if state[n] == 0 {
				if c := visit(n); c != nil {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		state[id] = 2
		return nil
	}
	for _, id := range w.ids {
		if state[id] == 0 {
			if c := visit(id); c != nil {
				return c
			}
		}
	}
	return nil
}

// snapCycle is a wait-for cycle caught in a snapshot.
type snapCycle struct {
	proc    *proc
	classes []string // sorted class names of the wanted locks
}

// snapCycles returns the wait-for cycles of every process's latest
// snapshot, computed once.
func (p *pass) snapCycles() []snapCycle {
	if p.snapsOK {
		return p.snaps
	}
	p.snapsOK = true
	for _, pr := range p.Model.Procs {
		snap := latestSnapshot(pr)
		if snap == nil {
			continue
		}
		w := newWaitFor(pr, snap)
		if c := w.cycle(); c != nil {
			var classes []string
			for _, id := range c {
				classes = append(classes, pr.ClassName(*w.gs[id].Waiting))
			}
			p.snaps = append(p.snaps, snapCycle{proc: pr, classes: sortedUnique(classes)})
		}
	}
	return p.snaps
}

// blockedG is a goroutine blocked at the end of a process (its exit or the
// snapshot at its deadline): on a channel, select, WaitGroup, Cond or lock.
type blockedG struct {
	ID     int64
	Reason string           // a gtrace reason: "chan send", "WaitGroup.Wait", "lock", ...
	Stack  []findings.Frame // the blocking stack, leaf first, runtime frames included
	// Created is the go statement that started it; zero when unknown.
	Created findings.Frame
	// Wait says how long it had been blocked: "for 1.2s", "for at least
	// 3s", "for 2 minutes", or "".
	Wait string
	// Lock is the lock of a lock wait, when the lock runtime named it.
	Lock *event.Lock
}

// comm reports whether b waits on a channel, WaitGroup or Cond: what the
// lock runtime does not see.
func (b *blockedG) comm() bool {
	switch b.Reason {
	case gtrace.ReasonSend, gtrace.ReasonRecv, gtrace.ReasonSelect, gtrace.ReasonNil,
		gtrace.ReasonWaitGroup, gtrace.ReasonCond:
		return true
	}
	return false
}

// endBlocked returns the goroutines of pr blocked at its end, sorted by ID,
// without the Go runtime's, the test framework's and lockscope's own: from
// the execution trace's final state when there is a trace, else from the
// latest snapshot's goroutine dump. from names the source ("" for none).
func (p *pass) endBlocked(pr *proc) (gs []blockedG, from string) {
	if sum := p.traceOf(pr); sum != nil {
		for _, g := range sum.Goroutines {
			if g.State != gtrace.StateWaiting || !foreverReason(g.Reason) || !userLock(g.Reason, g.Stack) {
				continue
			}
			if g.Known && sum.DurationNs-g.Since < minForeverNs && !pr.Process.TimedOut {
				continue // blocked for a moment as the process exited: shutdown, not a leak
			}
			b := blockedG{ID: g.ID, Reason: g.Reason, Stack: framesOf(g.Stack), Wait: traceWait(sum, &g)}
			if len(g.Created) > 0 {
				b.Created = findings.Frame(g.Created[0])
			}
			if g.Lock != nil {
				b.Lock = &event.Lock{Class: g.Lock.Class, Inst: g.Lock.Inst, Mode: event.Mode(g.Lock.Mode)}
			}
			gs = append(gs, b)
		}
		return ownBlocked(gs), "execution trace"
	}
	snap := latestSnapshot(pr)
	if snap == nil {
		return nil, ""
	}
	for _, s := range gotext.ParseDump(snap.Dump) {
		r := dumpReason(s.State, s.Frames)
		if !foreverReason(r) || !userLock(r, dumpFrames(s.Frames)) {
			continue
		}
		b := blockedG{ID: s.ID, Reason: r, Stack: s.Frames, Created: s.CreatedBy}
		if s.Wait != "" {
			b.Wait = "for " + s.Wait
		}
		gs = append(gs, b)
	}
	return ownBlocked(gs), "goroutine dump"
}

// foreverReason reports whether a goroutine blocked for reason r at the end
// is blocked for good: not sleeping, not in network I/O or a system call.
func foreverReason(r string) bool {
	switch r {
	case gtrace.ReasonSend, gtrace.ReasonRecv, gtrace.ReasonSelect, gtrace.ReasonNil,
		gtrace.ReasonWaitGroup, gtrace.ReasonCond, gtrace.ReasonLock, gtrace.ReasonSync:
		return true
	}
	return false
}

// minForeverNs is how long a goroutine must have been blocked when its
// process exited to count as blocked forever (when the trace knows).
const minForeverNs = 20e6

// userLock reports whether a goroutine blocked for reason on stack is
// blocked on something worth reporting: anything but a lock, or a lock
// the lock runtime instruments. A wait for a lock inside the standard
// library or a dependency at exit is the shutdown of their own machinery.
func userLock(reason string, stack []gtrace.Frame) bool {
	if reason != gtrace.ReasonLock && reason != gtrace.ReasonSync {
		return true
	}
	for _, f := range stack {
		if event.RuntimeFunc(f.Func) {
			return true
		}
	}
	return false
}

func dumpFrames(fs []findings.Frame) []gtrace.Frame {
	out := make([]gtrace.Frame, len(fs))
	for i, f := range fs {
		out[i] = gtrace.Frame(f)
	}
	return out
}

// dumpReason maps a goroutine dump's state to a gtrace reason.
func dumpReason(state string, frames []findings.Frame) string {
	switch {
	case strings.HasSuffix(state, "(nil chan)"), state == "select (no cases)":
		return gtrace.ReasonNil
	case state == "chan send", state == "chan receive", state == "select", state == "sleep":
		return state
	case state == "IO wait":
		return gtrace.ReasonNetwork
	case state == "sync.WaitGroup.Wait":
		return gtrace.ReasonWaitGroup
	case state == "sync.Cond.Wait":
		return gtrace.ReasonCond
	case strings.HasPrefix(state, "sync.Mutex."), strings.HasPrefix(state, "sync.RWMutex."):
		return gtrace.ReasonLock
	}
	if state == "semacquire" {
		return gtrace.Reason("sync", dumpFrames(frames))
	}
	return ""
}

// ownBlocked drops goroutines that belong to the Go runtime, the testing
// package (a test's parent waiting in t.Run), runtime/trace, os/signal or
// lockscope's runtime: those whose first frame outside the runtime and sync
// is theirs, or that have none.
func ownBlocked(gs []blockedG) []blockedG {
	var out []blockedG
	for _, g := range gs {
		if !systemStack(g.Stack) {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func systemStack(fs []findings.Frame) bool {
	if n := len(fs); n > 0 && event.RuntimeFunc(fs[n-1].Func) {
		// Started by lockscope's runtime (its stats, deadlock, leak and
		// signal loops): its own, whatever it waits in, even a lock inside
		// runtime/pprof while it writes a profile at the deadline.
		return true
	}
	for _, f := range fs {
		fn := f.Func
		if strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/") || strings.HasPrefix(fn, "sync.") ||
			fn == "time.Sleep" || event.RuntimeFunc(fn) {
			continue // the primitive, or lockscope's lock around it; lockscope's own goroutines have nothing else
		}
		return strings.HasPrefix(fn, "testing.") || strings.HasPrefix(fn, "runtime/trace.") || strings.HasPrefix(fn, "os/signal.")
	}
	return true
}

// traceWait says how long g had been in its state at the trace's end.
func traceWait(sum *gtrace.Summary, g *gtrace.Goroutine) string {
	d := time.Duration(sum.DurationNs - g.Since)
	if !g.Known {
		return "for at least " + waitWords(d) + " (since before the recorded window)"
	}
	return "for " + waitWords(d)
}

// waited says how long g had been waiting for its lock at the snapshot
// (" for 4.993s"), from the lock runtime's record of when the wait began;
// "" when it did not record it.
func (w *waitFor) waited(g *event.Goroutine) string {
	if g.Waiting == nil {
		return ""
	}
	since, now := g.Waiting.Since, w.snap.Time
	if since <= 0 || now <= since {
		return ""
	}
	return " for " + waitWords(time.Duration(now-since))
}

// waitWords is a wait's length as every report writes durations, but
// never "0s" for a wait that was seen at all.
func waitWords(d time.Duration) string {
	if d < time.Millisecond {
		return "less than 1ms"
	}
	return findings.Duration(int64(d))
}

func framesOf(fs []gtrace.Frame) []findings.Frame {
	out := make([]findings.Frame, len(fs))
	for i, f := range fs {
		out[i] = findings.Frame(f)
	}
	return out
}
