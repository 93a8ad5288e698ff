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

// Lock locks rw for writing, like sync.RWMutex.Lock.
func (rw *RWMutex) Lock() {
	r := cur.Load()
	if r == nil {
		rw.mu.Lock()
		return
	}
	r.lock(&rw.mu, &rw.st, r.dynSite(), false)
}

// LockAt is Lock recording the acquisition at packed site p.
func (rw *RWMutex) LockAt(p uint64) {
	r := cur.Load()
	if r == nil {
		rw.mu.Lock()
		return
	}
	r.lock(&rw.mu, &rw.st, p, false)
}

// TryLock tries to lock rw for writing without blocking.
func (rw *RWMutex) TryLock() bool {
	r := cur.Load()
	if r == nil {
		return rw.mu.TryLock()
	}
	return r.tryLock(&rw.mu, &rw.st, r.dynSite(), false)
}

// TryLockAt is TryLock recording a success at packed site p.
func (rw *RWMutex) TryLockAt(p uint64) bool {
	r := cur.Load()
	if r == nil {
		return rw.mu.TryLock()
	}
	return r.tryLock(&rw.mu, &rw.st, p, false)
}

// Unlock unlocks rw for writing, like sync.RWMutex.Unlock.
func (rw *RWMutex) Unlock() {
	if r := cur.Load(); r != nil {
		r.releaseWrite(&rw.st)
	}
	rw.mu.Unlock()
}

// RLock locks rw for reading, like sync.RWMutex.RLock.
func (rw *RWMutex) RLock() {
	r := cur.Load()
	if r == nil {
		rw.mu.RLock()
		return
	}
	r.lock(rw.rside(), &rw.st, r.dynSite(), true)
}

// RLockAt is RLock recording the acquisition at packed site p.
func (rw *RWMutex) RLockAt(p uint64) {
	r := cur.Load()
	if r == nil {
		rw.mu.RLock()
		return
	}
	r.lock(rw.rside(), &rw.st, p, true)
}

// TryRLock tries to lock rw for reading without blocking.
func (rw *RWMutex) TryRLock() bool {
	r := cur.Load()
	if r == nil {
		return rw.mu.TryRLock()
	}
	return r.tryLock(rw.rside(), &rw.st, r.dynSite(), true)
}

// TryRLockAt is TryRLock recording a success at packed site p.
func (rw *RWMutex) TryRLockAt(p uint64) bool {
	r := cur.Load()
	if r == nil {
		return rw.mu.TryRLock()
	}
	return r.tryLock(rw.rside(), &rw.st, p, true)
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
