package lockrt

import "github.com/lockscope/lockscope/tracer/event"

// Releases. An Unlock finds the write holder through the instance, so it
// works from any goroutine (Go allows unlocking from another goroutine than
// the one that locked). The holder itself opens a section on its table
// record before the real Unlock, whose atomic read-modify-write is the
// section's barrier, and pops its entry after it (fastPop); another
// goroutine pops the entry from the frozen record before the real Unlock.
// An RUnlock whose goroutine has the read entry on top of its held list
// does the same; any other RUnlock pops the entry, its own or another
// goroutine's, under spin locks before the real RUnlock. A release by
// another goroutine than the holder is a handoff: the first one per class,
// acquisition site, instance and holder writes KindHandoff.

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

// releaseRead records an RUnlock of st by goroutine g, before the real
// RUnlock, when g's held list did not have st's read entry on top: g's own
// entry anywhere in its list, else any goroutine's (a handoff), else a read
// lock that no list records, else nothing: an RUnlock of an unlocked
// RWMutex, reported before the real RUnlock ends the process.
func (r *recorder) releaseRead(g int64, st *state) {
	if r.popRead(g, st) {
		return
	}
	if r.fromStart || st.id.Load() > 0 {
		r.unlockOfUnlocked(st, true)
	}
}

// releaseReadLate records an RUnlock of st by g after the real RUnlock, when
// fastPop declined although g's list seemed to have st's read entry on top
// just before (onTop): a concurrent release of st by another goroutine took
// it, or the hint was read while another goroutine rewrote the list. It
// pops what releaseRead would have; only an RUnlock of an unlocked RWMutex
// can no longer be reported, as the real RUnlock has ended the process.
func (r *recorder) releaseReadLate(g int64, st *state) { r.popRead(g, st) }

// popRead pops one read hold of st for an RUnlock by g, writing KindHandoff
// when it is another goroutine's, and reports whether there was one.
func (r *recorder) popRead(g int64, st *state) bool {
	if s := r.find(g); s != nil {
		if indexOf(s, st, true) >= 0 {
			r.pop(s, st, true)
			return true
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
		return true
	}
	// No entry anywhere: one of the acquisitions past a held list's depth,
	// the releasing goroutine's own if it has any, else another's (which
	// one cannot be known; the counts stay right).
	if !takeUnlisted(st) {
		return false
	}
	if s := r.find(g); s != nil {
		ok := takeDrop(s)
		r.release(s)
		if ok {
			return true
		}
	}
	r.eachSlot(func(s *slot) bool { return !takeDrop(s) })
	return true
}

// takeUnlisted counts one read hold of st past a held list's depth as
// released, if there is one.
func takeUnlisted(st *state) bool {
	for {
		n := st.unlisted.Load()
		if n <= 0 {
			return false
		}
		if st.unlisted.CompareAndSwap(n, n-1) {
			return true
		}
	}
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
		r.overflowed(event.OverflowMisuse)
	}
	if !isNew {
		return
	}
	e := entry{addr: addrOf(st), inst: st.id.Load(), class: st.class, site: site, mode: modeOf(read, false, false)}
	l := lockOf(&e)
	r.emit(&event.Event{Kind: event.KindHandoff, Goroutine: holder, Releaser: r.goid(),
		Inst: l.Inst, Class: l.Class, Site: site, Acq: &l}, refOf(st))
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
	p := popped{since: e.since, site: e.site, sampled: e.sampled()}
	s.n--
	if i < int(s.n) { // out of order: close the gap and rechain above it
		for j := i; j < int(s.n); j++ { // not copy: see atom.go
			s.held[j] = s.held[j+1]
		}
		rechain(s.held[:s.n], i)
	}
	s.held[s.n].addr = 0
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
		if s.held[i].is(st) && s.held[i].read() == read {
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
		e.chain = chainKey(chainBelow(held, i), e.class, e.read(), e.try())
	}
}
