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
func (m *Mutex) Lock() {
	r := cur.Load()
	if r == nil {
		m.mu.Lock()
		return
	}
	r.lock(&m.mu, &m.st, r.dynSite(), false)
}

// LockAt locks m, recording the acquisition at packed site p
// (event.Site.Packed: class in the high 32 bits, site in the low 32).
func (m *Mutex) LockAt(p uint64) {
	r := cur.Load()
	if r == nil {
		m.mu.Lock()
		return
	}
	r.lock(&m.mu, &m.st, p, false)
}

// TryLock tries to lock m without blocking, like sync.Mutex.TryLock.
func (m *Mutex) TryLock() bool {
	r := cur.Load()
	if r == nil {
		return m.mu.TryLock()
	}
	return r.tryLock(&m.mu, &m.st, r.dynSite(), false)
}

// TryLockAt is TryLock recording a success at packed site p.
func (m *Mutex) TryLockAt(p uint64) bool {
	r := cur.Load()
	if r == nil {
		return m.mu.TryLock()
	}
	return r.tryLock(&m.mu, &m.st, p, false)
}

// Unlock unlocks m, like sync.Mutex.Unlock. An Unlock of an unlocked Mutex
// is recorded before the Go runtime ends the process.
func (m *Mutex) Unlock() {
	if r := cur.Load(); r != nil {
		r.releaseWrite(&m.st)
	}
	m.mu.Unlock()
}
