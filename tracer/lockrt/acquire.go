package lockrt

import "github.com/lockscope/lockscope/tracer/event"

// An acquisition runs in phases around the real lock call. The fast path is
// TryLock then fast: one critical section on the goroutine's own slot that
// checks the held list and pushes the entry. Only a failed TryLock takes the
// slow path: block (record the wait, check misuse and order before blocking),
// the blocking call, then waited.

// misuse found on the held list.
const (
	misNone = iota
	misDouble
	misRecursive
)

// chainSeed starts every chain key.
const chainSeed = 0x5bd1e9955bd1e995

// acq carries one acquisition through its phases.
type acq struct {
	r      *recorder
	st     *state
	g      int64
	site   int32
	read   bool
	try    bool
	misuse int
	edge   bool    // the chain or a same-class pair is new: write KindEdge
	depth  bool    // the held list was full: say so once
	key    uint64  // chain key including this acquisition
	t0     int64   // when the wait began
	held   []entry // copy of the held list, when an event needs it
}

// locker is the real lock behind an acquisition: a write or a read side.
type locker interface {
	Lock()
	TryLock() bool
}

// lock acquires l, recording it as an acquisition of st at packed site p.
func (r *recorder) lock(l locker, st *state, p uint64, read bool) {
	var a acq
	r.begin(&a, st, p, read, false)
	if l.TryLock() {
		a.fast()
		return
	}
	a.block()
	l.Lock()
	a.waited()
}

// tryLock is lock for TryLock and TryRLock: only a success is recorded.
func (r *recorder) tryLock(l locker, st *state, p uint64, read bool) bool {
	if !l.TryLock() {
		return false
	}
	var a acq
	r.begin(&a, st, p, read, true)
	a.fast()
	return true
}

// begin fills a for an acquisition of st at packed site p.
func (r *recorder) begin(a *acq, st *state, p uint64, read, try bool) {
	class, site := event.Unpack(p)
	if st.id.Load() <= 0 {
		r.ensure(st, class, site)
	}
	a.r, a.st, a.g, a.site, a.read, a.try = r, st, r.goid(), site, read, try
}

// fast records an acquisition that did not block.
func (a *acq) fast() {
	s := a.r.claim(a.g)
	a.inspect(s)
	if a.misuse == misDouble {
		a.misuse = misNone // impossible after a successful TryLock; a stale list
	}
	a.push(s, 0)
	s.unlock()
	a.report()
	a.mark()
}

// block records that the goroutine is about to wait, and reports misuse and
// new order before it blocks, so a deadlock loses nothing.
func (a *acq) block() {
	a.t0 = now()
	s := a.r.claim(a.g)
	a.inspect(s)
	s.waitOn = true
	s.wait = entry{st: a.st, site: a.site, read: a.read, since: a.t0}
	s.unlock()
	a.report()
}

// waited records an acquisition that blocked.
func (a *acq) waited() {
	t1 := now()
	s := a.r.claim(a.g)
	s.waitOn = false
	a.push(s, t1)
	s.unlock()
	a.r.waited(a.st.class, t1-a.t0)
	if a.depth {
		a.r.sayDepth()
	}
	a.mark()
}

// mark notes the new holder in the instance.
func (a *acq) mark() {
	if a.read {
		a.st.readers.Add(1)
	} else {
		releaseI64(&a.st.holder, a.g)
	}
}

// inspect checks the held list of the locked slot s for misuse and computes
// the chain key, looking it (and same-class instance pairs) up.
func (a *acq) inspect(s *slot) {
	held := s.held[:s.n]
	a.misuse = misuseOf(held, a.st, a.read)
	prev := uint64(chainSeed)
	if len(held) > 0 {
		prev = held[len(held)-1].chain
	}
	a.key = chainKey(prev, a.st.class, a.read, a.try)
	if len(held) > 0 {
		a.edge = a.r.newChain(a.key)
		for i := range held {
			if held[i].st.class == a.st.class && held[i].st != a.st && a.r.newPair(&held[i], a) {
				a.edge = true
			}
		}
	}
	if a.edge || a.misuse != misNone {
		a.held = append([]entry(nil), held...)
	}
}

// misuseOf says whether acquiring st (read or write) while holding held is a
// double lock or a recursive read lock.
func misuseOf(held []entry, st *state, read bool) int {
	for i := range held {
		if held[i].st != st {
			continue
		}
		if !read || !held[i].read {
			return misDouble
		}
		return misRecursive
	}
	return misNone
}

func chainKey(prev uint64, class int32, read, try bool) uint64 {
	v := uint64(uint32(class)) << 2
	if read {
		v |= 2
	}
	if try {
		v |= 1
	}
	return mix(prev, v)
}

// push adds the acquisition to the locked slot s. since is the acquisition
// time when it was measured, else 0.
func (a *acq) push(s *slot, since int64) {
	s.count++
	e := entry{st: a.st, chain: a.key, site: a.site, read: a.read, try: a.try, since: since}
	if s.count%sampleEvery == 0 {
		if e.since == 0 {
			e.since = now()
		}
		e.sampled = true
	}
	if s.n == maxHeld {
		s.drop++
		a.depth = true
		return
	}
	s.held[s.n] = e
	s.n++
}

// report writes the events inspect asked for. A double lock ends the process
// unless LOCKSCOPE_SELF_DEADLOCK=block.
func (a *acq) report() {
	switch a.misuse {
	case misDouble:
		a.r.doubleLock(a)
	case misRecursive:
		a.r.recursiveRLock(a)
	}
	if a.edge {
		a.r.writeEdge(a)
	}
	if a.depth {
		a.r.sayDepth()
	}
}

// acqLock describes the acquisition for an event.
func (a *acq) acqLock() *event.Lock {
	e := entry{st: a.st, site: a.site, read: a.read, try: a.try}
	l := lockOf(&e)
	return &l
}
