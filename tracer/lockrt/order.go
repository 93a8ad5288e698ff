package lockrt

import "github.com/lockscope/lockscope/tracer/event"

// Lock order, the lockdep way: each held entry carries the chain key of the
// held list up to it. An acquisition's key is checked against the set of
// keys seen; a new key (or, for two instances of one class, a new instance
// pair) is the only case that costs a stack capture and an event.

// maxOthers bounds the goroutines described in an edge event's Others.
const maxOthers = 64

// newChain reports whether key was not seen before. A full table counts as
// seen: order checking stops, and says so once.
func (r *recorder) newChain(key uint64) bool {
	c, isNew, first := r.chains.add(key)
	if c < 0 && first {
		r.overflowed(event.OverflowChains)
	}
	return isNew
}

// newPair reports whether holding h while acquiring a's instance (of the same
// class) is new.
func (r *recorder) newPair(h *entry, a *acq) bool {
	k := mix(mix(uint64(h.inst), modeBits(h.read(), false)), uint64(a.st.id.Load()))
	k = mix(k, modeBits(a.read, a.try))
	c, isNew, first := r.pairs.add(k)
	if c < 0 && first {
		r.overflowed(event.OverflowInstancePairs)
	}
	return isNew
}

func modeBits(read, try bool) uint64 {
	v := uint64(4)
	if read {
		v |= 2
	}
	if try {
		v |= 1
	}
	return v
}

// writeEdge writes KindEdge for a new acquisition order.
func (r *recorder) writeEdge(a *acq) {
	others := r.collect(a.g, maxOthers)
	sts := append(refsOf(nil, []gstate{{held: a.held}}), refOf(a.st))
	sts = refsOf(sts, others)
	r.emit(&event.Event{Kind: event.KindEdge, Goroutine: a.g,
		Held: locksOf(a.held), Acq: a.acqLock(), Stack: stack(),
		Others: goroutinesOf(others)}, sts...)
}

// collect copies the slots of goroutines, other than skip, that hold or wait
// for a lock: at most limit of them, or all if limit is 0.
func (r *recorder) collect(skip int64, limit int) []gstate {
	var out []gstate
	r.eachSlot(func(s *slot) bool {
		if s.idle() || s.owner == skip {
			return true
		}
		out = append(out, copyOut(s))
		return limit == 0 || len(out) < limit
	})
	return out
}
