package analyzer

import (
	"sort"

	"github.com/lockscope/lockscope/tracer/event"
)

// waitFor is the wait-for graph of one snapshot: each waiting goroutine
// points at the goroutines it waits for.
type waitFor struct {
	proc *Proc
	snap *event.Event
	gs   map[int64]*event.Goroutine
	ids  []int64 // sorted goroutine IDs
	// on maps a waiter to the goroutines it waits for, sorted.
	on map[int64][]int64
}

// latestSnapshot returns the last "signal" snapshot of pr, else its last
// "exit" snapshot, else nil.
func latestSnapshot(pr *Proc) *event.Event {
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

func newWaitFor(pr *Proc, snap *event.Event) *waitFor {
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
	proc    *Proc
	classes []string // sorted class names of the wanted locks
}

// snapCycles returns the wait-for cycles of every process's latest
// snapshot, computed once.
func (p *Pass) snapCycles() []snapCycle {
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
