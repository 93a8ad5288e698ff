package lockrt

import "sync"

// Mutex is a drop-in replacement for sync.Mutex that records its use when
// recording is on. The zero value is an unlocked mutex. A Mutex must not be
// copied after first use.
type Mutex struct {
	mu sync.Mutex
	st state
}

// Lock locks m, like sync.Mutex.Lock. The acquisition site is found from the
// caller's stack (see LockAt).
//
//go:noinline
func (m *Mutex) Lock() {
	r := cur.Load()
	if r == nil {
		m.mu.Lock()
		return
	}
	m.lockAt(r, r.dynSite())
}

// LockAt locks m, recording the acquisition at packed site p
// (event.Site.Packed: class in the high 32 bits, site in the low 32).
func (m *Mutex) LockAt(p uint64) { m.lockAt(cur.Load(), p) }

// lockAt is LockAt under recorder r (nil: recording is off). It is one call
// doing the fast path itself, with the real TryLock inlined between the
// section's enter and its open: see "Slot protocol" in doc.go.
func (m *Mutex) lockAt(r *recorder, p uint64) {
	if r == nil {
		m.mu.Lock()
		return
	}
	// The goroutine ID first, and r loaded again after it, so that only m
	// and p are live across the call: each is a spill, a store that the
	// barrier of TryLock waits for.
	g := fastGoid()
	if r = cur.Load(); r == nil { // stopped meanwhile (tests)
		m.mu.Lock()
		return
	}
	if id := m.st.id.Load(); id > 0 && r.goidOff != 0 {
		if s, q := r.enter(g); s != nil {
			if m.mu.TryLock() { // a full barrier between enter and open
				if s.first(q) {
					s.pushFirst(&m.st, id, p, 0) // nothing held: no chain to check
					s.leave(q)
					releaseI64(&m.st.holder, g)
					return
				}
				r.fastLock(s, q, g, &m.st, p, false, false)
				return
			}
			s.leave(q)
		}
	}
	r.lock(&m.mu, &m.st, p, false)
}

// TryLock tries to lock m without blocking, like sync.Mutex.TryLock.
//
//go:noinline
func (m *Mutex) TryLock() bool {
	r := cur.Load()
	if r == nil {
		return m.mu.TryLock()
	}
	return m.tryLockAt(r, r.dynSite())
}

// TryLockAt is TryLock recording a success at packed site p.
func (m *Mutex) TryLockAt(p uint64) bool {
	r := cur.Load()
	if r == nil {
		return m.mu.TryLock()
	}
	return m.tryLockAt(r, p)
}

func (m *Mutex) tryLockAt(r *recorder, p uint64) bool {
	if m.st.id.Load() <= 0 {
		return r.tryLock(&m.mu, &m.st, p, false)
	}
	g := r.goid()
	s, q := r.enter(g)
	if !m.mu.TryLock() { // on success, a full barrier between enter and open
		if s != nil {
			s.leave(q)
		}
		return false
	}
	r.fastLock(s, q, g, &m.st, p, false, true)
	return true
}

// Unlock unlocks m, like sync.Mutex.Unlock. An Unlock of an unlocked Mutex
// is recorded before the Go runtime ends the process.
func (m *Mutex) Unlock() {
	if cur.Load() == nil {
		m.mu.Unlock()
		return
	}
	// The goroutine ID first, while only m is live across the call: every
	// value live across it is a store before the real Unlock's barrier.
	g := fastGoid()
	r := cur.Load()
	if r == nil { // stopped meanwhile (tests)
		m.mu.Unlock()
		return
	}
	st := &m.st
	if h := st.holder.Load(); h != 0 && h == g && r.goidOff != 0 {
		if s, q := r.enter(h); s != nil { // the holder, on its table record
			releaseI64(&st.holder, 0)
			m.mu.Unlock() // a full barrier between enter and fastPop's open
			if !s.popTop(q, st, 0) {
				popOwn(s, q, st, false)
			}
			return
		}
	}
	s, q := r.releaseWrite(st)
	m.mu.Unlock() // a full barrier between releaseWrite's enter and fastPop's open
	if s != nil && !r.fastPop(s, q, st, false) {
		r.unlockSlow(s.owner, st)
	}
}
