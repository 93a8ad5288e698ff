package lockrt

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
)

// Lock deadlocks found when they form. A goroutine about to wait for an
// instrumented lock kicks the detector (lockBlocked, on the contended path
// only: the uncontended path pays nothing). The detector lets the waits
// settle, reads the table, and follows the wait-for relation through
// instrumented locks: a writer waits for the write holder and every read
// holder; a reader waits for the write holder and, as Go's RWMutex prefers
// writers, for every writer already waiting. A cycle of waiting goroutines
// seen twice, dlConfirm apart, with the very same waits (another
// goroutine may legally unlock a Mutex and break it), is a deadlock: it is
// written as KindDeadlock and, unless LOCKSCOPE_SELF_DEADLOCK=block, the
// process says so on stderr, writes its exit snapshot and exits with
// status 3, instead of hanging until lockscope's deadline.

// dlKick wakes the detector.
var dlKick = make(chan struct{}, 1)

// How long the detector lets waits settle before looking, and how long a
// cycle must stay unchanged to be reported.
const (
	dlSettle  = 20 * time.Millisecond
	dlConfirm = 200 * time.Millisecond
)

// lockBlocked tells the detector that a goroutine is about to wait for a
// lock; it never blocks.
func lockBlocked() {
	raceOff() // the detector must not synchronise with the caller (atom.go)
	select {
	case dlKick <- struct{}{}:
	default:
	}
	raceOn()
}

// watchDeadlocks starts the detector of recorder r.
func (r *recorder) watchDeadlocks() { go r.deadlockLoop(r.quit, nil) }

// deadlockLoop runs the detector until quit is closed, then closes done
// (if not nil).
func (r *recorder) deadlockLoop(quit <-chan struct{}, done chan<- struct{}) {
	if done != nil {
		defer close(done)
	}
	for {
		select {
		case <-quit:
			return
		case <-dlKick:
		}
		time.Sleep(dlSettle)
		first := waitCycle(r.collect(0, 0))
		if first == nil {
			continue
		}
		time.Sleep(dlConfirm)
		again := waitCycle(r.collect(0, 0))
		if !sameWaits(first, again) {
			continue
		}
		r.deadlock(again)
		if !r.block {
			return
		}
	}
}

// waitCycle returns a cycle of goroutines of gs that wait for each other's
// locks, in wait-for order, or nil.
func waitCycle(gs []gstate) []gstate {
	byID := map[int64]int{}
	readers := map[lref][]int64{}
	for i := range gs {
		byID[gs[i].id] = i
		for _, e := range gs[i].held {
			if e.read() {
				readers[e.ref()] = append(readers[e.ref()], gs[i].id)
			}
		}
	}
	next := make([][]int, len(gs))
	for i := range gs {
		w := gs[i].wait
		if w == nil {
			continue
		}
		var on []int64
		if d, ok := peek(w.ref()); ok && d.holder != 0 {
			on = append(on, d.holder)
		}
		if w.read() {
			for j := range gs {
				if gs[j].wait != nil && gs[j].wait.ref() == w.ref() && !gs[j].wait.read() {
					on = append(on, gs[j].id)
				}
			}
		} else {
			on = append(on, readers[w.ref()]...)
		}
		for _, id := range on {
			if j, ok := byID[id]; ok && j != i && gs[j].wait != nil {
				next[i] = append(next[i], j)
			}
		}
	}
	return findCycle(gs, next)
}

// findCycle returns the first cycle of the graph next over gs, by
// depth-first search.
func findCycle(gs []gstate, next [][]int) []gstate {
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(gs))
	var path []int
	var cycle []gstate
	var visit func(i int) bool
	visit = func(i int) bool {
		color[i] = grey
		path = append(path, i)
		for _, j := range next[i] {
			if color[j] == grey {
				for k := len(path) - 1; k >= 0; k-- {
					if path[k] == j {
						for _, m := range path[k:] {
							cycle = append(cycle, gs[m])
						}
						return true
					}
				}
			}
			if color[j] == white && visit(j) {
				return true
			}
		}
		color[i] = black
		path = path[:len(path)-1]
		return false
	}
	for i := range gs {
		if color[i] == white && visit(i) {
			return cycle
		}
	}
	return nil
}

// sameWaits reports whether two cycles have the same members waiting for
// the same locks since the same moments.
func sameWaits(a, b []gstate) bool {
	if len(a) != len(b) {
		return false
	}
	since := map[int64]entry{}
	for _, g := range a {
		since[g.id] = *g.wait
	}
	for _, g := range b {
		w, ok := since[g.id]
		if !ok || w.ref() != g.wait.ref() || w.since != g.wait.since {
			return false
		}
	}
	return true
}

// deadlock writes KindDeadlock for cyc and, unless self-deadlocks are let
// through, ends the process as doubleLock does.
func (r *recorder) deadlock(cyc []gstate) {
	ids := map[int64]bool{}
	var names []string
	for _, g := range cyc {
		ids[g.id] = true
		names = append(names, fmt.Sprint(g.id))
	}
	var b strings.Builder
	for _, g := range parseLabelled(dump()) {
		if ids[g.id] {
			b.WriteString(g.text)
			b.WriteString("\n\n")
		}
	}
	r.emit(&event.Event{Kind: event.KindDeadlock, Goroutines: goroutinesOf(cyc), Dump: b.String()}, refsOf(nil, cyc)...)
	if r.block {
		return
	}
	fmt.Fprintf(os.Stderr, "lockscope: goroutines %s wait for each other's locks (deadlock); exiting with status 3\n", strings.Join(names, ", "))
	r.finish(3)
	os.Exit(3)
}
