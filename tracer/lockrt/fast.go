package lockrt

// The fast paths: an uncontended acquisition of an instance that already
// has its identity, whose chain is known, that is not misuse, and a release
// by the goroutine that holds the lock in its table record. They do, without
// any lock and without a locked instruction of their own, what the general
// paths (acquire.go, release.go) do, and hand over to them, having changed
// nothing, whenever an event may be due or anything is unusual. The public
// methods (mutex.go, rwmutex.go) read the goroutine ID, open the section and
// call the real lock themselves, and do the commonest push and pop inline
// (pushFirst, popTop), so that an uncontended Lock or Unlock is one call
// into lockrt and one goroutine-ID read; fastLock and fastPop take the rest.

// fastLock records an acquisition of st at packed site p after a successful
// TryLock, in the section (s, q) that g opened before it (s may be nil). When
// the fast path cannot record it, it leaves the section untouched and
// records the acquisition the general way. Its common path makes no call,
// so that nothing is spilled to the stack: each store before the next
// locked instruction makes that instruction wait longer. An acquisition
// whose hold is to be timed (sampled) is timed afterwards, by stamp.
//
//go:norace
func (r *recorder) fastLock(s *slot, q uint32, g int64, st *state, p uint64, read, try bool) {
	if s == nil || !s.open() || s.n >= maxHeld {
		r.lockedSlow(s, q, g, st, p, read, try)
		return
	}
	n := s.n // only after open: another goroutine may have been inside
	class, a := st.class, addrOf(st)
	var key uint64
	if n == 0 {
		key = firstKey(class, read, try)
	} else {
		held := s.held[:n]
		for i := range held {
			if held[i].addr == a || held[i].class == class { // misuse or a same-class pair
				r.lockedSlow(s, q, g, st, p, read, try)
				return
			}
		}
		// chainKey: held[n-1] has a key, so this is a hash, unless it is
		// the record's last extension, whose key is known to be seen
		base, step := chainAt(held, int(n-1)), stepOf(class, read, try)
		if base == s.memoBase && step == s.memoStep {
			key = s.memoKey
		} else {
			key = mix(base, step)
			if r.chains.get(key) < 0 { // a new chain: an edge event
				r.lockedSlow(s, q, g, st, p, read, try)
				return
			}
			s.memoBase, s.memoStep, s.memoKey = base, step, key
		}
	}
	e := &s.held[n&(maxHeld-1)]
	e.addr, e.inst, e.chain = a, st.id.Load(), key
	e.setSite(p, class)
	e.mode = modeOf(read, try, false)
	s.n = n + 1
	s.leave(q)
	if !read {
		releaseI64(&st.holder, g)
	}
	if sampled(q) {
		stamp(s, n, a)
	}
}

// stamp times the hold of the entry for the instance at address a that
// the owner of s has just pushed at index n, in a section of its own:
// reading the clock in the acquisition's section would put a call on the
// path of every acquisition, and with it spills. It does nothing if the
// entry is gone (another goroutine released the lock meanwhile).
//
//go:noinline
//go:norace
func stamp(s *slot, n int32, a uintptr) {
	t := now()
	q := s.seq.Load()
	s.seq.Store(q + 1) // sequentially consistent: the section's barrier
	if s.open() && s.n == n+1 && s.held[n].addr == a {
		e := &s.held[n]
		e.since = t
		e.mode |= mSampled | mTimed
	}
	s.leave(q)
}

// first reports whether an acquisition in the open section of s can take
// fastLock's commonest case, pushFirst: nothing held, and the hold not to
// be timed.
func (s *slot) first(q uint32) bool {
	return s.open() && s.n == 0 && !sampled(q)
}

// pushFirst is fastLock's commonest case, small enough to inline: it
// pushes an acquisition of st, whose ID is id, not tried, at packed site p,
// in an open section of the record s, for which first held. mode is mRead
// for a read lock, else 0. The caller then leaves the section and, for a
// write lock, marks the holder.
//
//go:norace
func (s *slot) pushFirst(st *state, id int64, p uint64, mode uint8) {
	e := &s.held[0] // its chain key is derived (chainAt), its since unset
	e.addr, e.inst, e.mode = addrOf(st), id, mode
	e.setSite(p, st.class)
	s.n = 1
}

// popTop is fastPop's commonest case, small enough to inline: st's entry
// on top, in mode (mRead for a read lock, else 0), its hold not timed. It
// reports false, having done nothing, in any other case.
//
//go:norace
func (s *slot) popTop(q uint32, st *state, mode uint8) bool {
	if !s.open() {
		return false
	}
	// s.n only after open: another goroutine may have been inside. The
	// unsigned comparison also catches n < 0.
	n := s.n - 1
	if uint32(n) >= maxHeld {
		return false
	}
	e := &s.held[n]
	if e.addr != addrOf(st) || e.mode != mode {
		return false
	}
	s.n = n
	s.leave(q)
	return true
}

// lockedSlow leaves the section (s, q) untouched, if s is not nil, and
// records the acquisition that fastLock declined the general way.
//
//go:noinline
func (r *recorder) lockedSlow(s *slot, q uint32, g int64, st *state, p uint64, read, try bool) {
	if s != nil {
		s.leave(q)
	}
	a := acq{r: r, st: st, g: g, site: int32(uint32(p)), read: read, try: try}
	a.fast()
}

// fastPop removes st's newest entry in the read or write mode from g's
// table record s in the open section q, and leaves it. It reports false,
// having left the section and changed nothing, if the general path must do
// it.
//
//go:norace
func (r *recorder) fastPop(s *slot, q uint32, st *state, read bool) bool {
	if !s.open() {
		s.leave(q)
		return false
	}
	n := s.n - 1 // only after open: another goroutine may have been inside
	if n < 0 {
		s.leave(q)
		return false
	}
	e := &s.held[n&(maxHeld-1)]
	if e.addr != addrOf(st) || e.read() != read {
		s.leave(q)
		return false
	}
	sampled, since, site := e.sampled(), e.since, e.site
	s.n = n
	s.leave(q)
	if sampled {
		r.heldSince(st.class, site, since)
	}
	return true
}

// popOwn is what a release by the holder of st does when popTop declines:
// fastPop, else the general way. It takes only what the release keeps
// live across its real unlock, whose barrier waits for every store before
// it, spills included.
//
//go:noinline
func popOwn(s *slot, q uint32, st *state, read bool) {
	r := cur.Load()
	if r == nil { // recording stopped meanwhile (tests)
		s.leave(q)
		return
	}
	if !r.fastPop(s, q, st, read) {
		r.unlockSlow(s.owner, st)
	}
}

// heldSince adds a sampled hold of class, acquired at site at time since,
// that ends now.
//
//go:noinline
func (r *recorder) heldSince(class, site int32, since int64) {
	r.held(class, site, now()-since)
}

// onTop reports whether the newest entry of g's table record s, in the
// section that g opened on it, is st's in the read or write mode. It reads
// before the section's barrier, while another goroutine may be popping
// entries of s, so the answer is only a hint: fastPop checks it again.
// Only the owner pushes entries, so a true answer can only turn false by a
// concurrent release of the same lock.
//
//go:norace
func onTop(s *slot, st *state, read bool) bool {
	n := s.n - 1
	if n < 0 || n >= maxHeld {
		return false
	}
	e := &s.held[n]
	return e.addr == addrOf(st) && e.read() == read
}

// unlockSlow pops st's write entry from g's record the general way, after
// fastPop declined.
func (r *recorder) unlockSlow(g int64, st *state) {
	if s := r.find(g); s != nil {
		r.pop(s, st, false)
	}
}
