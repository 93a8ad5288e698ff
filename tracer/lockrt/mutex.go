package lockrt

import (
	"sync"

	"github.com/lockscope/lockscope/tracer/event"
)

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
	m.lockAt(r, r.dynSite())
}

// LockAt locks m, recording the acquisition at packed site p
// (event.Site.Packed: class in the high 32 bits, site in the low 32).
func (m *Mutex) LockAt(p uint64) {
	r := cur.Load()
	if r == nil {
		m.mu.Lock()
		return
	}
	m.lockAt(r, p)
}

func (m *Mutex) lockAt(r *recorder, p uint64) {
	if m.st.id.Load() > 0 {
		g := r.goid()
		s, q := r.enter(g)
		if m.mu.TryLock() { // a full barrier between enter and open
			if _, site := event.Unpack(p); !r.fastLock(s, q, g, &m.st, site, false, false) {
				r.lockedSlow(g, &m.st, site, false, false)
			}
			return
		}
		if s != nil {
			s.leave(q)
		}
	}
	r.lock(&m.mu, &m.st, p, false)
}

// TryLock tries to lock m without blocking, like sync.Mutex.TryLock.
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
	if _, site := event.Unpack(p); !r.fastLock(s, q, g, &m.st, site, false, true) {
		r.lockedSlow(g, &m.st, site, false, true)
	}
	return true
}

// Unlock unlocks m, like sync.Mutex.Unlock. An Unlock of an unlocked Mutex
// is recorded before the Go runtime ends the process.
func (m *Mutex) Unlock() {
	r := cur.Load()
	if r == nil {
		m.mu.Unlock()
		return
	}
	s, q := r.releaseWrite(&m.st)
	m.mu.Unlock() // a full barrier between releaseWrite's enter and fastPop's open
	if s != nil && !r.fastPop(s, q, &m.st, false) {
		r.unlockSlow(s.owner, &m.st)
	}
}
