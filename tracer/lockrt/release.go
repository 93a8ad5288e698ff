package lockrt

// Releases. An Unlock finds the write holder through the instance, so it
// works from any goroutine (Go allows unlocking from another goroutine than
// the one that locked). An RUnlock looks in its own goroutine's slot first
// and searches every slot only when the read lock was taken elsewhere.

// releaseWrite records an Unlock of st, before the real Unlock.
func (r *recorder) releaseWrite(st *state) {
	h := st.holder.Load() // only the goroutine that may unlock writes it here
	if h == 0 {
		if r.fromStart || st.id.Load() > 0 {
			r.unlockOfUnlocked(st, false)
		}
		return
	}
	releaseI64(&st.holder, 0)
	if s := r.find(h); s != nil {
		r.pop(s, st, false)
	}
}

// releaseRead records an RUnlock of st, before the real RUnlock.
func (r *recorder) releaseRead(st *state) {
	if st.readers.Add(-1) < 0 {
		st.readers.Add(1)
		if r.fromStart || st.id.Load() > 0 {
			r.unlockOfUnlocked(st, true)
		}
		return
	}
	if s := r.find(r.goid()); s != nil && r.pop(s, st, true) {
		return
	}
	r.eachSlot(func(s *slot) bool {
		if indexOf(s, st, true) < 0 {
			return true
		}
		e, _ := r.popLocked(s, st, true)
		if s.spill && s.idle() {
			r.over.vacate(s)
		}
		if e.sampled {
			r.held(e.st.class, e.site, now()-e.since)
		}
		return false
	})
}

// pop removes st's entry (read or write) from the locked slot s and unlocks
// s. It reports whether an entry, or a lock past the held depth, was found.
func (r *recorder) pop(s *slot, st *state, read bool) bool {
	e, ok := r.popLocked(s, st, read)
	r.done(s)
	if ok && e.sampled {
		r.held(e.st.class, e.site, now()-e.since)
	}
	return ok
}

// popLocked removes st's entry from the locked slot s, keeping s locked.
// An entry that is missing while the list overflowed is taken to be one of
// the unrecorded deep ones.
func (r *recorder) popLocked(s *slot, st *state, read bool) (entry, bool) {
	i := indexOf(s, st, read)
	if i < 0 {
		if s.drop > 0 {
			s.drop--
			return entry{}, true
		}
		return entry{}, false
	}
	e := s.held[i]
	s.n--
	if i < int(s.n) { // out of order: close the gap and rechain above it
		copy(s.held[i:s.n], s.held[i+1:s.n+1])
		rechain(s.held[:s.n], i)
	}
	s.held[s.n].st = nil // do not keep the instance reachable
	return e, true
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
func rechain(held []entry, i int) {
	for ; i < len(held); i++ {
		prev := uint64(chainSeed)
		if i > 0 {
			prev = held[i-1].chain
		}
		e := &held[i]
		e.chain = chainKey(prev, e.st.class, e.read, e.try)
	}
}
