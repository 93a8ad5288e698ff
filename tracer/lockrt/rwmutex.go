package lockrt

import "sync"

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

func (rw *RWMutex) lockAt(r *recorder, p uint64) {
	if r == nil {
		rw.mu.Lock()
		return
	}
	g := fastGoid() // first, and r loaded again: see Mutex.lockAt
	if r = cur.Load(); r == nil {
		rw.mu.Lock()
		return
	}
	if id := rw.st.id.Load(); id > 0 && r.goidOff != 0 {
		if s, q := r.enter(g); s != nil {
			if rw.mu.TryLock() { // a full barrier between enter and open
				if s.first(q) {
					s.pushFirst(&rw.st, id, p, 0)
					s.leave(q)
					releaseI64(&rw.st.holder, g)
					return
				}
				r.fastLock(s, q, g, &rw.st, p, false, false)
				return
			}
			s.leave(q)
		}
	}
	r.lock(&rw.mu, &rw.st, p, false)
}

func (rw *RWMutex) rlockAt(r *recorder, p uint64) {
	if r == nil {
		rw.mu.RLock()
		return
	}
	g := fastGoid() // first, and r loaded again: see Mutex.lockAt
	if r = cur.Load(); r == nil {
		rw.mu.RLock()
		return
	}
	if id := rw.st.id.Load(); id > 0 && r.goidOff != 0 {
		if s, q := r.enter(g); s != nil {
			if rw.mu.TryRLock() { // a full barrier between enter and open
				if s.first(q) {
					s.pushFirst(&rw.st, id, p, mRead)
					s.leave(q)
					return
				}
				r.fastLock(s, q, g, &rw.st, p, true, false)
				return
			}
			s.leave(q)
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
	if !rw.mu.TryLock() { // on success, a full barrier between enter and open
		if s != nil {
			s.leave(q)
		}
		return false
	}
	r.fastLock(s, q, g, &rw.st, p, false, true)
	return true
}

func (rw *RWMutex) tryRLockAt(r *recorder, p uint64) bool {
	if rw.st.id.Load() <= 0 {
		return r.tryLock(rw.rside(), &rw.st, p, true)
	}
	g := r.goid()
	s, q := r.enter(g)
	if !rw.mu.TryRLock() { // on success, a full barrier between enter and open
		if s != nil {
			s.leave(q)
		}
		return false
	}
	r.fastLock(s, q, g, &rw.st, p, true, true)
	return true
}

// Lock locks rw for writing, like sync.RWMutex.Lock.
//
//go:noinline
func (rw *RWMutex) Lock() {
	r := cur.Load()
	if r == nil {
		rw.mu.Lock()
		return
	}
	rw.lockAt(r, r.dynSite())
}

// LockAt is Lock recording the acquisition at packed site p.
func (rw *RWMutex) LockAt(p uint64) { rw.lockAt(cur.Load(), p) }

// TryLock tries to lock rw for writing without blocking.
//
//go:noinline
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
	if cur.Load() == nil {
		rw.mu.Unlock()
		return
	}
	g := fastGoid() // first, and r loaded after it: see Mutex.Unlock
	r := cur.Load()
	if r == nil {
		rw.mu.Unlock()
		return
	}
	st := &rw.st
	if h := st.holder.Load(); h != 0 && h == g && r.goidOff != 0 {
		if s, q := r.enter(h); s != nil { // the holder, on its table record
			releaseI64(&st.holder, 0)
			rw.mu.Unlock() // a full barrier between enter and fastPop's open
			if !s.popTop(q, st, 0) {
				popOwn(s, q, st, false)
			}
			return
		}
	}
	s, q := r.releaseWrite(st)
	rw.mu.Unlock() // a full barrier between releaseWrite's enter and fastPop's open
	if s != nil && !r.fastPop(s, q, st, false) {
		r.unlockSlow(s.owner, st)
	}
}

// RLock locks rw for reading, like sync.RWMutex.RLock.
//
//go:noinline
func (rw *RWMutex) RLock() {
	r := cur.Load()
	if r == nil {
		rw.mu.RLock()
		return
	}
	rw.rlockAt(r, r.dynSite())
}

// RLockAt is RLock recording the acquisition at packed site p.
func (rw *RWMutex) RLockAt(p uint64) { rw.rlockAt(cur.Load(), p) }

// TryRLock tries to lock rw for reading without blocking.
//
//go:noinline
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

// RUnlock undoes one RLock, like sync.RWMutex.RUnlock. An RUnlock of an
// unlocked RWMutex is recorded before the Go runtime ends the process.
func (rw *RWMutex) RUnlock() {
	if cur.Load() == nil {
		rw.mu.RUnlock()
		return
	}
	g := fastGoid() // first, and r loaded after it: see Mutex.Unlock
	r := cur.Load()
	if r == nil {
		rw.mu.RUnlock()
		return
	}
	st := &rw.st
	if r.goidOff != 0 {
		if s, q := r.enter(g); s != nil {
			if onTop(s, st, true) { // a hint, confirmed after the barrier
				rw.mu.RUnlock() // a full barrier between enter and fastPop's open
				if s.popTop(q, st, mRead) {
					return
				}
				if !r.fastPop(s, q, st, true) {
					r.releaseReadLate(g, st)
				}
				return
			}
			s.leave(q)
		}
	} else {
		g = r.goid()
	}
	r.releaseRead(g, st)
	rw.mu.RUnlock()
}

// RLocker returns a sync.Locker whose Lock and Unlock call rw.RLock and
// rw.RUnlock, like sync.RWMutex.RLocker.
func (rw *RWMutex) RLocker() sync.Locker { return (*rlocker)(rw) }

type rlocker RWMutex

func (x *rlocker) Lock()   { (*RWMutex)(x).RLock() }
func (x *rlocker) Unlock() { (*RWMutex)(x).RUnlock() }
