package lockrt

import "github.com/lockscope/lockscope/tracer/event"

// An acquisition runs in phases around the real lock call. The common case
// is fast.go's. The general path here takes the spin lock of the goroutine's
// record: TryLock then fast, which checks the held list and pushes the
// entry. Only a failed TryLock takes the slow path: block (record the wait,
// check misuse and order before blocking), the blocking call, then waited.

// misuse found on the held list.
const (
	misNone = iota
	misDouble
	misRecursive
)

// acq carries one acquisition through its phases.
type acq struct {
	r      *recorder
	st     *state
	g      int64
	site   int32
	read   bool
	try    bool
	misuse int
	edge   bool      // the chain or a same-class pair is new: write KindEdge
	depth  bool      // the held list was full: say so once
	first  bool      // this acquisition gave the instance its identity
	key    uint64    // chain key including this acquisition
	t0     int64     // when the wait began
	held   []entry   // copy of the held list, when an event needs it
	watch  *watchdog // a would-be double lock waits: see watchdog.go
}

// locker is the real lock behind an acquisition: a write or a read side.
type locker interface {
	Lock()
	TryLock() bool
}

// lock acquires l, recording it as an acquisition of st at packed site p,
// the general way.
func (r *recorder) lock(l locker, st *state, p uint64, read bool) {
	var a acq
	r.begin(&a, st, p, read, false)
	if l.TryLock() {
		a.fast()
		return
	}
	a.block()
	a.traceBlock()
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
		a.first = r.ensure(st, class, site)
	}
	a.r, a.st, a.g, a.site, a.read, a.try = r, st, r.goid(), site, read, try
}

// fastIn records an acquisition that did not block in the open section of
// the goroutine's table record s.
func (a *acq) fastIn(s *slot) {
	a.inspect(s)
	if a.misuse == misDouble {
		a.misuse = misNone // impossible after a successful TryLock; a stale list
	}
	a.push(s, 0)
}

// after reports and marks an acquisition that did not block, once the
// goroutine's record is left.
func (a *acq) after() {
	if a.edge || a.misuse != misNone || a.depth {
		a.report()
	}
	a.mark()
}

// fast records an acquisition that did not block, under the spin lock of the
// goroutine's record.
func (a *acq) fast() {
	s := a.r.claim(a.g)
	a.fastIn(s)
	s.unlock()
	a.after()
}

// block records that the goroutine is about to wait, and reports misuse and
// new order before it blocks, so a deadlock loses nothing. A would-be double
// lock reports nothing yet: another goroutine may unlock the instance (Go
// allows it), so a watchdog decides (watchdog.go), and waited reports the
// order once the lock is acquired.
//
//go:norace
func (a *acq) block() {
	a.t0 = now()
	s := a.r.claim(a.g)
	a.inspect(s)
	s.waitOn = true
	s.wait = entry{addr: addrOf(a.st), inst: a.st.id.Load(), class: a.st.class, site: a.site, mode: modeOf(a.read, false, false) | mTimed, since: a.t0}
	a.r.release(s)
	lockBlocked() // deadlock.go
	if a.misuse == misDouble {
		a.suspect()
		return
	}
	a.report()
}

// waited records an acquisition that blocked.
//
//go:norace
func (a *acq) waited() {
	t1 := now()
	s := a.r.claim(a.g)
	s.waitOn = false
	if a.watch != nil { // handed off: the list no longer holds the instance
		a.watch.end()
		a.edge, a.held = false, nil
		a.inspect(s)
		if a.misuse == misDouble {
			a.misuse = misNone // a stale list, as in fastIn
		}
	}
	a.push(s, t1)
	a.r.release(s)
	a.r.waited(a.st.class, t1-a.t0)
	if a.watch != nil {
		a.report()
	} else if a.depth {
		a.r.sayDepth()
	}
	a.mark()
}

// mark notes the new holder in the instance.
func (a *acq) mark() {
	if !a.read {
		releaseI64(&a.st.holder, a.g)
	}
}

// inspect checks the held list of the locked slot s for misuse and computes
// the chain key, looking it (and same-class instance pairs) up.
func (a *acq) inspect(s *slot) {
	held := s.held[:s.n]
	a.misuse = misuseOf(held, a.st, a.read)
	a.key = chainKey(chainBelow(held, len(held)), a.st.class, a.read, a.try)
	if len(held) > 0 {
		a.edge = a.r.newChain(a.key)
		for i := range held {
			if held[i].class == a.st.class && !held[i].is(a.st) && a.r.newPair(&held[i], a) {
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
		if !held[i].is(st) {
			continue
		}
		if !read || !held[i].read() {
			return misDouble
		}
		return misRecursive
	}
	return misNone
}

// chainBelow returns the chain key of held[:i], 0 for an empty list.
func chainBelow(held []entry, i int) uint64 {
	if i == 0 {
		return 0
	}
	return chainAt(held, i-1)
}

// chainAt returns the chain key of held[:i+1]. The first entry's is its
// one step's, which the fast path does not store.
func chainAt(held []entry, i int) uint64 {
	e := &held[i]
	if i == 0 {
		return firstKey(e.class, e.read(), e.try())
	}
	return e.chain
}

// chainKey returns the key of the chain prev (0: the empty chain) extended
// by a step of class in the read or write mode, tried or not. A one-step
// chain's key is the step itself, marked by the top bit, which costs no hash:
// most acquisitions are of a first lock, and keys of one step are never
// looked up, only extended. Longer keys are hashes, never 0.
func chainKey(prev uint64, class int32, read, try bool) uint64 {
	if prev == 0 {
		return firstKey(class, read, try)
	}
	return mix(prev, stepOf(class, read, try))
}

// firstKey is the chain key of a one-step chain.
func firstKey(class int32, read, try bool) uint64 {
	return stepOf(class, read, try) | 1<<63
}

func stepOf(class int32, read, try bool) uint64 {
	v := uint64(uint32(class)) << 2
	if read {
		v |= 2
	}
	if try {
		v |= 1
	}
	return v
}

// push adds the acquisition to s, to which the caller has exclusive access.
// since is the acquisition time when it was measured, else 0. The entry is
// written field by field: building it on the stack and copying it costs a
// store-forwarding stall.
//
//go:norace
func (a *acq) push(s *slot, since int64) {
	s.count++
	sampled := s.count&(sampleEvery-1) == 0
	if sampled && since == 0 {
		since = now()
	}
	if s.n == maxHeld {
		s.drop++
		a.depth = true
		if a.read {
			a.st.unlisted.Add(1)
		}
		return
	}
	e := &s.held[s.n&(maxHeld-1)]
	e.addr, e.inst, e.chain, e.since, e.site, e.class = addrOf(a.st), a.st.id.Load(), a.key, since, a.site, a.st.class
	e.mode = modeOf(a.read, a.try, sampled)
	if since != 0 {
		e.mode |= mTimed
	}
	s.n++
}

// report writes the events inspect asked for, but not a double lock, which
// the watchdog reports once it is certain (watchdog.go).
func (a *acq) report() {
	if a.misuse == misRecursive {
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
	e := entry{addr: addrOf(a.st), inst: a.st.id.Load(), class: a.st.class, site: a.site, mode: modeOf(a.read, a.try, false)}
	l := lockOf(&e)
	l.First = a.first
	return &l
}
