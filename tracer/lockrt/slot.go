package lockrt

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Per-goroutine held-lock state.
//
// A goroutine's locks live in the slot at index goid&slotMask of a fixed
// table. The goroutine claims the slot by setting owner to its goid; a slot
// whose owner holds and waits for nothing may be taken over by another
// goroutine, so a goroutine that finds its slot taken simply holds nothing.
// A goroutine whose slot is owned by a busy goroutine spills into the
// overflow map. Every read or write of a slot's entries happens under the
// slot's spin lock, because snapshots and cross-goroutine unlocks touch other
// goroutines' slots.

const (
	slotBits    = 12
	slotMask    = 1<<slotBits - 1
	maxHeld     = 16 // held entries kept per goroutine; deeper ones are counted in drop
	sampleEvery = 64 // one acquisition in sampleEvery per slot times its hold
)

// entry is one held (or wanted) lock.
type entry struct {
	st      *state
	chain   uint64 // chain key of the held list up to and including this entry
	since   int64  // ns since process start; 0 if not measured
	site    int32
	read    bool
	try     bool
	sampled bool // since was read for hold timing
}

// slot is one goroutine's held list. It is 576 bytes, a multiple of the
// cache line, so neighbouring goroutines do not share lines.
type slot struct {
	spin   atomic.Uint32 // guards every field below except owner's atomic reads
	owner  atomic.Int64  // goid of the owner; 0 if never owned
	n      int32         // entries in held
	drop   int32         // acquisitions past maxHeld that were not recorded
	count  uint32        // acquisitions, for hold sampling
	waitOn bool          // wait is valid
	spill  bool          // lives in the overflow map
	wait   entry
	held   [maxHeld]entry
}

func (s *slot) lock() {
	for !s.spin.CompareAndSwap(0, 1) {
		runtime.Gosched()
	}
}

func (s *slot) unlock() { releaseU32(&s.spin, 0) }

// idle reports that the slot's owner holds and waits for nothing. s is locked.
func (s *slot) idle() bool { return s.n == 0 && s.drop == 0 && !s.waitOn }

// overflow holds the slots of goroutines whose table slot was busy.
type overflow struct {
	mu sync.Mutex // guards m
	m  map[int64]*slot
	n  atomic.Int32 // len(m), read without mu to skip the map when empty
}

// get returns g's overflow slot locked, creating it if create is set.
func (o *overflow) get(g int64, create bool) *slot {
	o.mu.Lock()
	s := o.m[g]
	if s == nil && create {
		if o.m == nil {
			o.m = map[int64]*slot{}
		}
		s = &slot{spill: true}
		s.owner.Store(g)
		o.m[g] = s
		o.n.Add(1)
	}
	o.mu.Unlock()
	if s == nil {
		return nil
	}
	s.lock()
	if s.owner.Load() != g {
		s.unlock()
		return nil
	}
	return s
}

// vacate removes an idle overflow slot; s is locked and stays locked.
func (o *overflow) vacate(s *slot) {
	g := s.owner.Load()
	o.mu.Lock()
	if o.m[g] == s {
		delete(o.m, g)
		o.n.Add(-1)
	}
	o.mu.Unlock()
	s.owner.Store(0)
}

// list returns the overflow slots.
func (o *overflow) list() []*slot {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]*slot, 0, len(o.m))
	for _, s := range o.m {
		out = append(out, s)
	}
	return out
}

// find returns g's slot locked, or nil if g holds and waits for nothing.
func (r *recorder) find(g int64) *slot {
	if s := &r.slots[g&slotMask]; s.owner.Load() == g && s.spin.CompareAndSwap(0, 1) {
		if s.owner.Load() == g {
			return s
		}
		s.unlock()
	}
	return r.findSlow(g)
}

func (r *recorder) findSlow(g int64) *slot {
	s := &r.slots[g&slotMask]
	if s.owner.Load() == g {
		s.lock()
		if s.owner.Load() == g {
			return s
		}
		s.unlock()
	}
	if r.over.n.Load() > 0 {
		return r.over.get(g, false)
	}
	return nil
}

// claim returns g's slot locked, taking its table slot or an overflow slot.
func (r *recorder) claim(g int64) *slot {
	if s := &r.slots[g&slotMask]; s.owner.Load() == g && s.spin.CompareAndSwap(0, 1) {
		if s.owner.Load() == g {
			return s
		}
		s.unlock()
	}
	return r.claimSlow(g)
}

func (r *recorder) claimSlow(g int64) *slot {
	for {
		if s := r.find(g); s != nil {
			return s
		}
		s := &r.slots[g&slotMask]
		s.lock()
		if o := s.owner.Load(); o == 0 || o == g || s.idle() {
			if o != g {
				s.owner.Store(g)
				s.count = 0
			}
			return s
		}
		s.unlock()
		if s := r.over.get(g, true); s != nil {
			return s
		}
	}
}

// done unlocks s after an entry was removed, giving an overflow slot back
// when its owner is idle.
func (r *recorder) done(s *slot) {
	if s.spill && s.idle() {
		r.over.vacate(s)
	}
	s.unlock()
}

// eachSlot calls f on every slot that has ever been owned, locked. f returns
// false to stop.
func (r *recorder) eachSlot(f func(s *slot) bool) {
	for i := range r.slots {
		s := &r.slots[i]
		if s.owner.Load() == 0 {
			continue
		}
		s.lock()
		ok := f(s)
		s.unlock()
		if !ok {
			return
		}
	}
	for _, s := range r.over.list() {
		s.lock()
		ok := f(s)
		s.unlock()
		if !ok {
			return
		}
	}
}
