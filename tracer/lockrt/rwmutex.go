package lockrt

import (
	"sync"

	"github.com/lockscope/lockscope/tracer/event"
)

// RWMutex is a drop-in replacement for sync.RWMutex that records its use
// when recording is on. The zero value is an unlocked mutex. An RWMutex must
// not be copied after first use.
type RWMutex struct {
	mu sync.RWMutex
	st state
}

// readSide is the read half of a sync.RWMutex, as a locker.
type readSide sync.RWMutex

func (x *readSide) Lock()         { (*sync.RWMutex)(x).RLock() }
func (x *readSide) TryLock() bool { return (*sync.RWMutex)(x).TryRLock() }

func (rw *RWMutex) rside() *readSide { return (*readSide)(&rw.mu) }

// tryFast is the fast path of an acquisition after the caller opened the
// section (s, q) and called the real TryLock or TryRLock, whose success ok
// it passes: it records a success and reports it.
func (rw *RWMutex) tryFast(r *recorder, g int64, s *slot, q uint32, ok bool, p uint64, read, try bool) bool {
	if !ok {
		if s != nil {
			s.leave(q)
		}
		return false
	}
	if _, site := event.Unpack(p); !r.fastLock(s, q, g, &rw.st, site, read, try) {
		r.lockedSlow(g, &rw.st, site, read, try)
	}
	return true
}

func (rw *RWMutex) lockAt(r *recorder, p uint64) {
	if rw.st.id.Load() > 0 {
		g := r.goid()
		s, q := r.enter(g)
		if rw.tryFast(r, g, s, q, rw.mu.TryLock(), p, false, false) { // TryLock: a full barrier
			return
		}
	}
	r.lock(&rw.mu, &rw.st, p, false)
}

func (rw *RWMutex) rlockAt(r *recorder, p uint64) {
	if rw.st.id.Load() > 0 {
		g := r.goid()
		s, q := r.enter(g)
		if rw.tryFast(r, g, s, q, rw.mu.TryRLock(), p, true, false) { // TryRLock: a full barrier
			return
		}
	}
	r.lock(rw.rside(), &rw.st, p, true)
}

func (rw *RWMutex) tryLockAt(r *recorder, p uint64) bool {
	if rw.st.id.Load() <= 0 {
		return r.tryLock(&rw.mu, &rw.st, p, false)
	}
	g := r.goid()
	s, q := r.enter(g)
	return rw.tryFast(r, g, s, q, rw.mu.TryLock(), p, false, true)
}

func (rw *RWMutex) tryRLockAt(r *recorder, p uint64) bool {
	if rw.st.id.Load() <= 0 {
		return r.tryLock(rw.rside(), &rw.st, p, true)
	}
	g := r.goid()
	s, q := r.enter(g)
	return rw.tryFast(r, g, s, q, rw.mu.TryRLock(), p, true, true)
}

// Lock locks rw for writing, like sync.RWMutex.Lock.
func (rw *RWMutex) Lock() {
	r := cur.Load()
	if r == nil {
		rw.mu.Lock()
		return
	}
	rw.lockAt(r, r.dynSite())
}

// LockAt is Lock recording the acquisition at packed site p.
func (rw *RWMutex) LockAt(p uint64) {
	r := cur.Load()
	if r == nil {
		rw.mu.Lock()
		return
	}
	rw.lockAt(r, p)
}

// TryLock tries to lock rw for writing without blocking.
func (rw *RWMutex) TryLock() bool {
	r := cur.Load()
	if r == nil {
		return rw.mu.TryLock()
	}
	return rw.tryLockAt(r, r.dynSite())
}

// TryLockAt is TryLock recording a success at packed site p.
func (rw *RWMutex) TryLockAt(p uint64) bool {
	r := cur.Load()
	if r == nil {
		return rw.mu.TryLock()
	}
	return rw.tryLockAt(r, p)
}

// Unlock unlocks rw for writing, like sync.RWMutex.Unlock.
func (rw *RWMutex) Unlock() {
	r := cur.Load()
	if r == nil {
		rw.mu.Unlock()
		return
	}
	s, q := r.releaseWrite(&rw.st)
	rw.mu.Unlock() // a full barrier between releaseWrite's enter and fastPop's open
	if s != nil && !r.fastPop(s, q, &rw.st, false) {
		r.unlockSlow(s.owner, &rw.st)
	}
}

// RLock locks rw for reading, like sync.RWMutex.RLock.
func (rw *RWMutex) RLock() {
	r := cur.Load()
	if r == nil {
		rw.mu.RLock()
		return
	}
	rw.rlockAt(r, r.dynSite())
}

// RLockAt is RLock recording the acquisition at packed site p.
func (rw *RWMutex) RLockAt(p uint64) {
	r := cur.Load()
	if r == nil {
		rw.mu.RLock()
		return
	}
	rw.rlockAt(r, p)
}

// TryRLock tries to lock rw for reading without blocking.
func (rw *RWMutex) TryRLock() bool {
	r := cur.Load()
	if r == nil {
		return rw.mu.TryRLock()
	}
	return rw.tryRLockAt(r, r.dynSite())
}

// TryRLockAt is TryRLock recording a success at packed site p.
func (rw *RWMutex) TryRLockAt(p uint64) bool {
	r := cur.Load()
	if r == nil {
		return rw.mu.TryRLock()
	}
	return rw.tryRLockAt(r, p)
}

// RUnlock undoes one RLock, like sync.RWMutex.RUnlock.
func (rw *RWMutex) RUnlock() {
	if r := cur.Load(); r != nil {
		r.releaseRead(&rw.st)
	}
	rw.mu.RUnlock()
}

// RLocker returns a sync.Locker whose Lock and Unlock call rw.RLock and
// rw.RUnlock, like sync.RWMutex.RLocker.
func (rw *RWMutex) RLocker() sync.Locker { return (*rlocker)(rw) }

type rlocker RWMutex

func (x *rlocker) Lock()   { (*RWMutex)(x).RLock() }
func (x *rlocker) Unlock() { (*RWMutex)(x).RUnlock() }
