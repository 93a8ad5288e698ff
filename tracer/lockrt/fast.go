package lockrt

// The fast paths: an uncontended acquisition of an instance that already
// has its identity, whose chain is known, that is not misuse, and a release
// by the goroutine that holds the lock in its table record. They do, without
// any lock and without a locked instruction of their own, what the general
// paths (acquire.go, release.go) do, and hand over to them, having changed
// nothing, whenever an event may be due or anything is unusual.

// fastLock records an acquisition after a successful TryLock, in the
// section (s, q) that g opened before it (s may be nil). It returns false,
// with the section left and nothing recorded, when the general path must
// record the acquisition.
//
//go:norace
func (r *recorder) fastLock(s *slot, q uint32, g int64, st *state, site int32, read, try bool) bool {
	if s == nil {
		return false
	}
	if !s.open() || s.n >= maxHeld {
		s.leave(q)
		return false
	}
	n := int(s.n)
	var key uint64 // 0 for the bottom entry: chainBelow computes it lazily
	if n > 0 {
		held := s.held[:n]
		class := st.class
		for i := range held {
			if held[i].st == st || held[i].st.class == class { // misuse or a same-class pair
				s.leave(q)
				return false
			}
		}
		key = chainKey(chainBelow(held, n), class, read, try)
		if r.chains.get(key) < 0 { // a new chain: an edge event
			s.leave(q)
			return false
		}
	}
	s.count++
	sampled := s.count%sampleEvery == 0
	var since int64
	if sampled {
		since = now()
	}
	e := &s.held[n&(maxHeld-1)]
	e.st, e.chain, e.since, e.site = st, key, since, site
	e.read, e.try, e.sampled = read, try, sampled
	s.n++
	s.leave(q)
	if read {
		st.readers.Add(1)
	} else {
		releaseI64(&st.holder, g)
	}
	return true
}

// lockedSlow records, the general way, an acquisition that fastLock
// declined after a successful TryLock.
func (r *recorder) lockedSlow(g int64, st *state, site int32, read, try bool) {
	a := acq{r: r, st: st, g: g, site: site, read: read, try: try}
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
	n := int(s.n) - 1 // only after open: another goroutine may have been inside
	if n < 0 {
		s.leave(q)
		return false
	}
	e := &s.held[n&(maxHeld-1)]
	if e.st != st || e.read != read {
		s.leave(q)
		return false
	}
	sampled, since, site := e.sampled, e.since, e.site
	e.st = nil // do not keep the instance reachable
	s.n = int32(n)
	s.leave(q)
	if sampled {
		r.held(st.class, site, now()-since)
	}
	return true
}

// unlockSlow pops st's write entry from g's record the general way, after
// fastPop declined.
func (r *recorder) unlockSlow(g int64, st *state) {
	if s := r.find(g); s != nil {
		r.pop(s, st, false)
	}
}
