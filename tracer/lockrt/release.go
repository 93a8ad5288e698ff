package lockrt

import "github.com/lockscope/lockscope/tracer/event"

// Releases. An Unlock finds the write holder through the instance, so it
// works from any goroutine (Go allows unlocking from another goroutine than
// the one that locked). The holder itself opens a section on its table
// record before the real Unlock, whose atomic read-modify-write is the
// section's barrier, and pops its entry after it (fastPop); another
// goroutine pops the entry from the frozen record before the real Unlock.
// An RUnlock opens a section before the reader count's atomic decrement and
// pops in it; it looks in every record only when the read lock was taken
// elsewhere, still before the real RUnlock. A release by another goroutine
// than the holder is a handoff: the first one per class, acquisition site,
// instance and holder writes KindHandoff.

// releaseWrite records an Unlock of st, before the real Unlock. If it
// returns a record, the caller is its owner, in a section opened on it, and
// must pass it and the seq to fastPop after the real Unlock (and call
// unlockSlow if that declines).
func (r *recorder) releaseWrite(st *state) (*slot, uint32) {
	h := st.holder.Load() // only the goroutine that may unlock writes it here
	if h == 0 {
		if r.fromStart || st.id.Load() > 0 {
			r.unlockOfUnlocked(st, false)
		}
		return nil, 0
	}
	releaseI64(&st.holder, 0)
	if h == r.goid() {
		if s, q := r.enter(h); s != nil {
			return s, q
		}
		r.unlockSlow(h, st)
		return nil, 0
	}
	if s := r.findOther(h); s != nil {
		e, ok := r.popLocked(s, st, false)
		r.release(s)
		r.timeHold(st, e)
		if ok {
			r.handoff(st, e.site, false, h)
		}
	}
	return nil, 0
}

// releaseRead records an RUnlock of st, before the real RUnlock.
func (r *recorder) releaseRead(st *state) {
	g := r.goid()
	s, q := r.enter(g)
	if st.readers.Add(-1) < 0 { // a full barrier between enter and open
		if s != nil {
			s.leave(q)
		}
		st.readers.Add(1)
		if r.fromStart || st.id.Load() > 0 {
			r.unlockOfUnlocked(st, true)
		}
		return
	}
	if s != nil && r.fastPop(s, q, st, true) {
		return
	}
	if s := r.find(g); s != nil {
		if indexOf(s, st, true) >= 0 {
			r.pop(s, st, true)
			return
		}
		r.release(s)
	}
	// Read locks of one instance are interchangeable: any goroutine's entry
	// will do, and its owner no longer holds as many as it did.
	var e popped
	var holder int64
	found := false
	r.eachSlot(func(s *slot) bool {
		if indexOf(s, st, true) < 0 {
			return true
		}
		e, _ = r.popLocked(s, st, true)
		holder, found = s.owner, true
		return false
	})
	if found {
		r.timeHold(st, e)
		r.handoff(st, e.site, true, holder)
		return
	}
	// No entry anywhere: one of the acquisitions past a held list's depth,
	// the releasing goroutine's own if it has any, else another's (which
	// one cannot be known; the counts stay right).
	if s := r.find(g); s != nil {
		ok := takeDrop(s)
		r.release(s)
		if ok {
			return
		}
	}
	r.eachSlot(func(s *slot) bool { return !takeDrop(s) })
}

// takeDrop counts one unrecorded acquisition of the locked record s as
// released, if it has any.
//
//go:norace
func takeDrop(s *slot) bool {
	if s.drop == 0 {
		return false
	}
	s.drop--
	return true
}

// handoff notes that goroutine holder's lock st, acquired at site, was
// released by the calling goroutine: KindHandoff, once per class, site,
// instance and holder, so that the analyzer can tell which read hold of
// which goroutine was handed off.
func (r *recorder) handoff(st *state, site int32, read bool, holder int64) {
	k := mix(mix(mix(mix(0x68616e646f6666, uint64(uint32(st.class))), uint64(uint32(site))), uint64(st.id.Load())), uint64(holder))
	c, isNew, full := r.once.add(k)
	if c < 0 && full {
		r.overflowed("recursive-rlock")
	}
	if !isNew {
		return
	}
	e := entry{st: st, site: site, read: read}
	l := lockOf(&e)
	r.emit(&event.Event{Kind: event.KindHandoff, Goroutine: holder, Releaser: r.goid(),
		Inst: l.Inst, Class: l.Class, Site: site, Acq: &l}, st)
}

// pop removes st's entry (read or write) from the locked record s and
// releases s. It reports whether an entry, or a lock past the held depth,
// was found.
func (r *recorder) pop(s *slot, st *state, read bool) bool {
	e, ok := r.popLocked(s, st, read)
	r.release(s)
	r.timeHold(st, e)
	return ok
}

// popLocked removes st's entry from s, to which the caller has exclusive
// access (an open section, or the spin lock), and returns what hold timing
// needs of it. An entry that is missing while the list overflowed is taken
// to be one of the unrecorded deep ones.
//
//go:norace
func (r *recorder) popLocked(s *slot, st *state, read bool) (popped, bool) {
	i := indexOf(s, st, read)
	if i < 0 {
		if s.drop > 0 {
			s.drop--
			return popped{}, true
		}
		return popped{}, false
	}
	e := &s.held[i]
	p := popped{since: e.since, site: e.site, sampled: e.sampled}
	s.n--
	if i < int(s.n) { // out of order: close the gap and rechain above it
		for j := i; j < int(s.n); j++ { // not copy: see atom.go
			s.held[j] = s.held[j+1]
		}
		rechain(s.held[:s.n], i)
	}
	s.held[s.n].st = nil // do not keep the instance reachable
	return p, true
}

// popped is what a release needs of the entry it removed.
type popped struct {
	since   int64
	site    int32
	sampled bool
}

// timeHold adds a sampled hold of st's class that ends now.
func (r *recorder) timeHold(st *state, p popped) {
	if p.sampled {
		r.held(st.class, p.site, now()-p.since)
	}
}

// indexOf returns the newest entry of st in the read or write mode, or -1.
func indexOf(s *slot, st *state, read bool) int {
	for i := int(s.n) - 1; i >= 0; i-- {
		if s.held[i].st == st && s.held[i].read == read {
			return i
		}
	}
	return -1
}

// rechain recomputes the chain keys of held from index i on, after an entry
// below them was released out of order.
//
//go:norace
func rechain(held []entry, i int) {
	for ; i < len(held); i++ {
		e := &held[i]
		e.chain = chainKey(chainBelow(held, i), e.st.class, e.read, e.try)
	}
}
