package lockrt

import (
	"cmp"
	"slices"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
)

// classStats is cumulative timing for one class, updated with atomics.
type classStats struct {
	contended   aI64
	waitNs      aI64
	maxWaitNs   aI64
	holdSamples aI64
	holdNs      aI64
	maxHoldNs   aI64
	maxHoldSite aI32
}

// statsPeriod is how often changed stats are written at most.
const statsPeriod = 250 * time.Millisecond

// classOf returns the stats of class, or nil if the table is full.
func (r *recorder) classOf(class int32) *classStats {
	c, _, first := r.stats.add(classKey(class))
	if c < 0 {
		if first {
			r.overflowed(event.OverflowContention)
		}
		return nil
	}
	return &r.cls[c]
}

// waited adds one contended acquisition of d ns.
func (r *recorder) waited(class int32, d int64) {
	cs := r.classOf(class)
	if cs == nil {
		return
	}
	cs.contended.Add(1)
	cs.waitNs.Add(d)
	raise(&cs.maxWaitNs, d)
	r.changed()
}

// held adds one sampled hold of d ns acquired at site.
func (r *recorder) held(class, site int32, d int64) {
	cs := r.classOf(class)
	if cs == nil {
		return
	}
	cs.holdSamples.Add(1)
	cs.holdNs.Add(d)
	if raise(&cs.maxHoldNs, d) {
		cs.maxHoldSite.Store(site)
	}
	r.changed()
}

// raise sets *v to d if d is larger and reports whether it did.
func raise(v *aI64, d int64) bool {
	for {
		old := v.Load()
		if d <= old {
			return false
		}
		if v.CompareAndSwap(old, d) {
			return true
		}
	}
}

// changed marks the stats dirty and wakes the stats goroutine.
func (r *recorder) changed() {
	if r.dirty.Load() {
		return
	}
	r.dirty.Store(true)
	raceOff() // the stats goroutine must not synchronise with the caller (atom.go)
	select {
	case r.kick <- struct{}{}:
	default:
	}
	raceOn()
}

// statsLoop writes KindStats at most every statsPeriod while stats change.
// Idle, it blocks on a channel, so it never keeps a deadlocked program's
// goroutines from all being asleep.
func (r *recorder) statsLoop() {
	defer close(r.done)
	for {
		select {
		case <-r.kick:
		case <-r.quit:
			return
		}
		t := time.NewTimer(statsPeriod)
		select {
		case <-t.C:
		case <-r.quit:
			t.Stop()
			return
		}
		r.writeStats()
	}
}

// writeStats writes KindStats if anything changed since the last one.
func (r *recorder) writeStats() {
	if !r.dirty.Swap(false) {
		return
	}
	var out []event.ClassStats
	for c := range r.stats.keys {
		k := r.stats.keys[c].Load()
		if k == 0 {
			continue
		}
		cs := &r.cls[c]
		out = append(out, event.ClassStats{Class: int32(uint32(k)),
			Contended: cs.contended.Load(), WaitNs: cs.waitNs.Load(),
			MaxWaitNs: cs.maxWaitNs.Load(), HoldSamples: cs.holdSamples.Load(),
			HoldNs: cs.holdNs.Load(), MaxHoldNs: cs.maxHoldNs.Load(),
			MaxHoldSite: cs.maxHoldSite.Load()})
	}
	slices.SortFunc(out, func(a, b event.ClassStats) int { return cmp.Compare(a.Class, b.Class) })
	r.emit(&event.Event{Kind: event.KindStats, Stats: out})
}
