package lockrt

import (
	"runtime"
	"slices"
	"strconv"
)

// Per-goroutine held-lock state.
//
// A goroutine's locks live in a slot record. The table has one cell per
// goid&slotMask, pointing at the record of the goroutine that owns the cell;
// a record's owner never changes. A goroutine whose cell holds another
// goroutine's busy record spills into a record of the overflow map.
//
// Table records are written without a lock by their owner (the fast path,
// see "Slot protocol" in doc.go): the owner opens a section by making seq
// odd, passes a full barrier (the real lock operation), checks that frozen
// is 0, works, and makes seq even. Every other access (another goroutine's
// Unlock or RUnlock, snapshots, takeover, the owner's own slow path) takes
// the record's spin lock; another goroutine than the owner also freezes the
// record (frozen = 1, a sequentially consistent store) and waits for seq to
// be even before it touches the entries, and thaws it afterwards. A record
// whose owner is idle is retired (frozen = 2, for good) when another
// goroutine takes its cell over with a new record. Overflow records are only
// ever accessed under their spin lock.

const (
	slotBits = 12
	slotMask = 1<<slotBits - 1
	maxHeld  = 16 // held entries kept per goroutine; deeper ones are counted in drop
)

// frozen states.
const (
	thawed  = 0
	frozen  = 1 // another goroutine than the owner is inside, holding spin
	retired = 2 // taken over or vacated: no longer the owner's record
)

// entry is one held (or wanted) lock. It names the instance by address
// and ID, and copies what the runtime needs of it, so that held lists keep
// no user lock reachable and are read through only by peek (see
// "Reachability" in doc.go).
type entry struct {
	addr  uintptr // the instance's state (addrOf); 0 in an unused entry
	inst  int64   // the instance's ID: an address is reused once its lock is freed
	chain uint64  // chain key of the held list up to and including this entry; see chainAt
	since int64   // ns since process start, if mTimed
	site  int32
	class int32 // the instance's class
	mode  uint8 // mRead, mTry, mSampled: one byte, one store
}

// entry mode bits; mRead and mTry are stepOf's.
const (
	mTry     = 1
	mRead    = 2
	mSampled = 4 // since was read for hold timing
	mTimed   = 8 // since is set
)

// setSite sets the acquisition site from the packed site p and the
// instance's class, which stores as one 8-byte write.
func (e *entry) setSite(p uint64, class int32) {
	v := uint64(uint32(p)) | uint64(uint32(class))<<32
	e.site, e.class = int32(v), int32(v>>32)
}

func (e *entry) read() bool    { return e.mode&mRead != 0 }
func (e *entry) try() bool     { return e.mode&mTry != 0 }
func (e *entry) sampled() bool { return e.mode&mSampled != 0 }

// modeOf returns the mode bits of an acquisition.
func modeOf(read, try, sampled bool) uint8 {
	var m uint8
	if read {
		m |= mRead
	}
	if try {
		m |= mTry
	}
	if sampled {
		m |= mSampled
	}
	return m
}

// is reports whether e is an entry of st, which is alive.
func (e *entry) is(st *state) bool { return e.addr == addrOf(st) && e.inst == st.id.Load() }

// ref names e's instance.
func (e *entry) ref() lref { return lref{e.addr, e.inst} }

// slot is one goroutine's held list.
type slot struct {
	seq    aU32    // odd while the owner is in a fast-path section; written only by the owner
	frozen aU32    // thawed, frozen or retired; written only by a holder of spin
	spin   aU32    // guards every field below against everyone but the owner's fast path
	owner  int64   // goid of the owner; set at creation, never changed
	gopc   uintptr // the owner's creation site (creatorPC); set at creation
	spill  bool    // lives in the overflow map
	waitOn bool    // wait is valid
	n      int32   // entries in held
	drop   int32   // acquisitions past maxHeld that were not recorded
	count  uint32  // acquisitions on the general path, for hold sampling
	// The last chain extension fastLock looked up and found: the key of
	// chain memoBase extended by step memoStep (stepOf). The chain table
	// only grows, so it stays found: a nested pair taken again skips the
	// hash and the lookup.
	memoBase, memoStep, memoKey uint64
	wait                        entry
	held                        [maxHeld]entry
	_                           [64]byte // keep the next record's seq off held's last cache line
}

//go:norace
func newSlot(g int64, spill bool) *slot {
	return &slot{owner: g, gopc: creatorPC(), spill: spill} // only g creates its records
}

func (s *slot) lock() {
	for !s.spin.CompareAndSwap(0, 1) {
		runtime.Gosched()
	}
}

func (s *slot) unlock() { releaseU32(&s.spin, 0) }

// enter opens a fast-path section on g's table record, returning it and the
// seq to pass to leave, or nil if g has no table record. The caller must
// then pass a full barrier and check open before touching the record.
func (r *recorder) enter(g int64) (*slot, uint32) {
	s := r.cells[g&slotMask].Load()
	if s == nil || s.owner != g {
		return nil, 0
	}
	q := s.seq.Load()
	releaseU32(&s.seq, q+1)
	return s, q
}

// sampled reports whether an acquisition in the section that enter opened
// with seq q is to have its hold timed: one section in sampleEvery, picked
// by a multiplicative hash of the section count, so that no regular
// pattern of locks and unlocks always misses the sample, nor always hits
// it, and the fast path keeps no acquisition count of its own.
func sampled(q uint32) bool { return (q>>1)*0x9e3779b9 < sampleBelow }

// How often holds are timed. A timed hold reads the clock twice; where
// that is slow (a hypervisor that traps the CPU's timestamp counter makes a
// read cost 30-50 ns) the rate drops, so that timing costs every
// acquisition at most sampleBudget on average. It is set once, by init,
// before any lock is used, and read-only after.
var (
	sampleEvery uint32 = minSampleEvery // a power of two
	sampleBelow uint32 = 1 << 32 / minSampleEvery
)

const (
	minSampleEvery = 64
	maxSampleEvery = 1024
	sampleBudget   = 0.15 // ns of clock reads per acquisition, on average
)

// calibrateSampling sets the sampling rate from what a clock read costs
// here, or from LOCKSCOPE_SAMPLE_EVERY (a power of two from 1 to 1024).
func calibrateSampling(env string) {
	n := uint32(minSampleEvery)
	if v, err := strconv.Atoi(env); err == nil && v >= 1 && v <= maxSampleEvery && v&(v-1) == 0 {
		n = uint32(v)
	} else {
		for 2*clockCost()/float64(n) > sampleBudget && n < maxSampleEvery {
			n *= 2
		}
	}
	sampleEvery, sampleBelow = n, uint32(uint64(1<<32)/uint64(n))
}

// open reports, after the barrier that follows enter, whether the section
// may touch the record: no other goroutine is inside it, nor will be until
// leave.
func (s *slot) open() bool { return s.frozen.Load() == thawed }

// leave closes a section opened by enter with seq q.
func (s *slot) leave(q uint32) { releaseU32(&s.seq, q+2) }

// freeze makes the locked record s exclusive to the caller, another
// goroutine than its owner: the owner's fast path stays out until thaw. It
// returns false if s is retired (nothing to do in it).
func (s *slot) freeze() bool {
	switch s.frozen.Load() {
	case retired:
		return false
	case frozen:
		panic("lockrt: slot frozen twice")
	}
	if s.spill {
		return true // only ever accessed under spin
	}
	s.frozen.Store(frozen) // sequentially consistent: ordered before the seq loads
	for s.seq.Load()&1 != 0 {
		runtime.Gosched()
	}
	return true
}

// thaw ends freeze, unless the record was retired meanwhile.
func (s *slot) thaw() {
	if s.frozen.Load() == frozen {
		releaseU32(&s.frozen, thawed)
	}
}

// idle reports that the slot's owner holds and waits for nothing. The caller
// has exclusive access.
func (s *slot) idle() bool { return s.n == 0 && s.drop == 0 && !s.waitOn }

// overflow holds the records of goroutines whose table cell was busy.
type overflow struct {
	mu imutex // guards m
	m  slotMap
	n  aI32 // records in m, read without mu to skip m when empty
}

// get returns g's overflow record locked, creating it if create is set.
func (o *overflow) get(g int64, create bool) *slot {
	for {
		o.mu.Lock()
		s := o.m.get(g)
		if s == nil && create {
			s = newSlot(g, true)
			o.m.put(g, s)
			o.n.Add(1)
		}
		o.mu.Unlock()
		if s == nil {
			return nil
		}
		s.lock()
		if s.frozen.Load() != retired {
			return s
		}
		s.unlock() // vacated meanwhile
	}
}

// vacate removes an idle overflow record; s is locked and stays locked.
func (o *overflow) vacate(s *slot) {
	o.mu.Lock()
	if o.m.del(s.owner, s) {
		o.n.Add(-1)
	}
	o.mu.Unlock()
	s.frozen.Store(retired)
}

// list returns the overflow records.
func (o *overflow) list() []*slot {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.m.all(make([]*slot, 0, o.m.used))
}

// find returns g's record locked, or nil if g holds and waits for nothing.
// Only g itself calls it (no freeze).
func (r *recorder) find(g int64) *slot {
	if s := r.cells[g&slotMask].Load(); s != nil && s.owner == g {
		s.lock()
		if s.frozen.Load() != retired {
			return s
		}
		s.unlock()
	}
	if r.over.n.Load() > 0 {
		return r.over.get(g, false)
	}
	return nil
}

// claim returns g's record locked, taking its table cell over or an overflow
// record if it has none. Only g itself calls it (no freeze).
func (r *recorder) claim(g int64) *slot {
	for {
		if s := r.find(g); s != nil {
			return s
		}
		c := &r.cells[g&slotMask]
		o := c.Load()
		if o == nil {
			s := newSlot(g, false)
			s.lock()
			if c.CompareAndSwap(nil, s) {
				return s
			}
			continue
		}
		if o.owner == g {
			continue // retired meanwhile and replaced by ours: find it again
		}
		o.lock()
		if !o.freeze() {
			o.unlock() // retired meanwhile: look again
			continue
		}
		if o.idle() {
			o.frozen.Store(retired)
			s := newSlot(g, false)
			s.lock()
			c.Store(s) // only a holder of the current record's spin replaces it
			o.unlock()
			return s
		}
		o.thaw()
		o.unlock()
		if s := r.over.get(g, true); s != nil {
			return s
		}
	}
}

// findOther returns goroutine h's record locked and frozen for a goroutine
// other than h, or nil if h holds and waits for nothing. Release it with
// release.
func (r *recorder) findOther(h int64) *slot {
	if s := r.cells[h&slotMask].Load(); s != nil && s.owner == h {
		s.lock()
		if s.freeze() {
			return s
		}
		s.unlock()
	}
	if r.over.n.Load() > 0 {
		return r.over.get(h, false) // overflow records need no freeze
	}
	return nil
}

// release thaws and unlocks a record, giving an overflow record back when
// its owner is idle.
func (r *recorder) release(s *slot) {
	if s.spill && s.idle() && s.frozen.Load() != retired {
		r.over.vacate(s)
	}
	s.thaw()
	s.unlock()
}

// eachSlot calls f on every record, locked and frozen. f returns false to
// stop.
func (r *recorder) eachSlot(f func(s *slot) bool) {
	for i := range r.cells {
		s := r.cells[i].Load()
		if s == nil {
			continue
		}
		s.lock()
		if !s.freeze() {
			s.unlock()
			continue
		}
		ok := f(s)
		r.release(s)
		if !ok {
			return
		}
	}
	for _, s := range r.over.list() {
		s.lock()
		if s.frozen.Load() == retired {
			s.unlock()
			continue
		}
		ok := f(s)
		r.release(s)
		if !ok {
			return
		}
	}
}

// clockCost is what one clock read costs here, in nanoseconds: the median
// of five batches, so that one preempted batch does not decide.
func clockCost() float64 {
	const batches, reads = 5, 400
	var costs [batches]float64
	var sink int64
	for b := range costs {
		t0 := now()
		for i := 0; i < reads; i++ {
			sink += now()
		}
		costs[b] = float64(now()-t0) / reads
	}
	_ = sink
	slices.Sort(costs[:])
	return costs[batches/2]
}
