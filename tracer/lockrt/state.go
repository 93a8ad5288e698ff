package lockrt

import (
	"runtime"
	"unsafe"

	"github.com/lockscope/lockscope/tracer/event"
)

// nextInst numbers lock instances across the process.
var nextInst aI64

// state is what the runtime keeps inside every Mutex and RWMutex.
type state struct {
	id       aI64 // instance ID; 0 before the first recorded acquisition, -1 while being set
	holder   aI64 // goid of the write holder; 0 if not write-held
	unlisted aI32 // read holds that no held list records (past its depth)
	// Set once before id is published, read only after id > 0 is seen.
	class int32
	site  int32  // first acquisition site
	ord   int64  // ordinal within the class
	tag   uint64 // tagOf(address, ID): tells peek the memory is still this instance's
}

// tagOf is an instance's tag: a hash of its address and ID, which a freed
// lock's reused memory holds by chance with probability 2^-64.
func tagOf(addr uintptr, id int64) uint64 { return mix(uint64(addr), uint64(id)) }

// ensure gives st its identity on its first recorded acquisition, and
// reports whether this call did.
//
//go:norace
func (r *recorder) ensure(st *state, class, site int32) bool {
	if escapeNever {
		escapeSink = st // what escape analysis sees: every instance escapes
	}
	if st.id.Load() > 0 {
		return false
	}
	if !st.id.CompareAndSwap(0, -1) {
		for st.id.Load() <= 0 {
			runtime.Gosched()
		}
		return false
	}
	if class == 0 {
		class, _ = event.Unpack(r.dynSite())
	}
	st.class, st.site = class, site
	st.ord = r.ordinal(class)
	id := nextInst.Add(1)
	st.tag = tagOf(addrOf(st), id)
	st.id.Store(id)
	return true
}

// ordinal returns the next ordinal of class, or 0 if the table is full.
func (r *recorder) ordinal(class int32) int64 {
	c, _, first := r.ords.add(classKey(class))
	if c < 0 {
		if first {
			r.overflowed(event.OverflowOrdinals)
		}
		return 0
	}
	return r.ordN[c].Add(1)
}

// classKey is a table key for a class ID; never 0.
func classKey(c int32) uint64 { return uint64(uint32(c)) | 1<<32 }

// addrOf is the address by which entries name st. The address must stay
// the lock's for as long as it lives, so instrumented locks must not live
// on goroutine stacks, which move: ensure makes every instance escape.
func addrOf(st *state) uintptr { return uintptr(unsafe.Pointer(st)) }

var (
	escapeNever bool // never set
	escapeSink  *state
)

// lref names an instance without keeping it reachable: its state's address
// and its ID.
type lref struct {
	addr uintptr
	inst int64
}

// refOf names st, which is alive.
func refOf(st *state) lref { return lref{addrOf(st), st.id.Load()} }

// peek reads the instance that ref names, if it is still there: the lock
// may have been freed (nothing keeps it reachable but its user), and its
// memory reused. Go's heap memory stays mapped, so the read is safe; the
// ID and the tag, read before and after the rest, tell whether it is the
// instance's. The derived
// pointer lives only within this function, which calls nothing (in -race
// builds, only assembly that cannot stop the goroutine), so the garbage
// collector never finds it in a frame it scans precisely.
//
//go:norace
//go:nocheckptr
//go:nosplit
func peek(ref lref) (d desc, ok bool) {
	if ref.addr == 0 {
		return desc{}, false
	}
	tag := tagOf(ref.addr, ref.inst) // before p: no call while p is live
	p := (*state)(*(*unsafe.Pointer)(unsafe.Pointer(&ref.addr)))
	if p.id.Load() != ref.inst || p.tag != tag {
		return desc{}, false
	}
	d = desc{holder: p.holder.Load(), class: p.class, site: p.site, ord: p.ord}
	if p.id.Load() != ref.inst || p.tag != tag { // freed and reused while reading
		return desc{}, false
	}
	return d, true
}

// desc is what peek read of an instance.
type desc struct {
	holder      int64
	class, site int32
	ord         int64
}

// lockOf describes an entry for an event.
//
//go:norace
func lockOf(e *entry) event.Lock {
	l := event.Lock{Class: e.class, Inst: e.inst, Mode: event.Write,
		Site: e.site, Try: e.try()}
	if e.mode&mTimed != 0 {
		l.Since = e.since
	}
	if e.read() {
		l.Mode = event.Read
	}
	return l
}

// locksOf describes a held list.
func locksOf(es []entry) []event.Lock {
	if len(es) == 0 {
		return nil
	}
	out := make([]event.Lock, len(es))
	for i := range es {
		out[i] = lockOf(&es[i])
	}
	return out
}

// gstate is a copy of one goroutine's slot.
type gstate struct {
	id   int64
	gopc uintptr // creation site, if known
	seq  uint32  // the record's fast-path section count when copied
	held []entry
	wait *entry
	// moving is set when a write-held entry's instance names another
	// holder: the goroutine is between the real Unlock and the update of
	// its record (or a lock changes hands), so the record is not the truth.
	moving bool
}

// copyOut copies the record s, to which the caller has exclusive access.
func copyOut(s *slot) gstate {
	g := gstate{id: s.owner, gopc: s.gopc, seq: s.seq.Load(), held: append([]entry(nil), s.held[:s.n]...)}
	for i := range g.held {
		if e := &g.held[i]; !e.read() {
			if d, ok := peek(e.ref()); ok && d.holder != g.id {
				g.moving = true
			}
		}
	}
	if s.waitOn {
		w := s.wait
		g.wait = &w
	}
	return g
}

// frameOf describes the go statement at pc, or returns nil for 0.
func frameOf(pc uintptr) *event.Frame {
	if pc == 0 {
		return nil
	}
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	if f.Function == "" {
		return nil
	}
	return &event.Frame{Func: f.Function, File: f.File, Line: f.Line}
}

// goroutinesOf describes copied slots for an event.
func goroutinesOf(gs []gstate) []event.Goroutine {
	out := make([]event.Goroutine, 0, len(gs))
	for _, g := range gs {
		eg := event.Goroutine{ID: g.id, Held: locksOf(g.held), Created: frameOf(g.gopc)}
		if g.wait != nil {
			l := lockOf(g.wait)
			eg.Waiting = &l
		}
		out = append(out, eg)
	}
	return out
}

// refsOf lists the instances that copied slots refer to.
func refsOf(dst []lref, gs []gstate) []lref {
	for _, g := range gs {
		for i := range g.held {
			dst = append(dst, g.held[i].ref())
		}
		if g.wait != nil {
			dst = append(dst, g.wait.ref())
		}
	}
	return dst
}

// same reports whether two copies of one goroutine's record show no change
// between them: no fast-path section, and the same held and wanted locks.
func (g *gstate) same(h *gstate) bool {
	if g.id != h.id || g.seq != h.seq || len(g.held) != len(h.held) || (g.wait == nil) != (h.wait == nil) {
		return false
	}
	for i := range g.held {
		if g.held[i] != h.held[i] {
			return false
		}
	}
	return g.wait == nil || *g.wait == *h.wait
}
