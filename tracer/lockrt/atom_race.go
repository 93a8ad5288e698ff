//go:build race

package lockrt

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Race builds: atomics the race detector does not see (see atom.go). The
// operations are sequentially consistent, like sync/atomic's.

type aU32 struct{ v uint32 }

func (a *aU32) Load() uint32                        { return ld32(&a.v) }
func (a *aU32) Store(v uint32)                      { st32(&a.v, v) }
func (a *aU32) CompareAndSwap(old, new uint32) bool { return cas32(&a.v, old, new) }
func (a *aU32) Add(d uint32) uint32                 { return xadd32(&a.v, d) }

type aI32 struct{ v uint32 }

func (a *aI32) Load() int32       { return int32(ld32(&a.v)) }
func (a *aI32) Store(v int32)     { st32(&a.v, uint32(v)) }
func (a *aI32) Add(d int32) int32 { return int32(xadd32(&a.v, uint32(d))) }
func (a *aI32) CompareAndSwap(old, new int32) bool {
	return cas32(&a.v, uint32(old), uint32(new))
}

type aI64 struct{ v uint64 }

func (a *aI64) Load() int64       { return int64(ld64(&a.v)) }
func (a *aI64) Store(v int64)     { st64(&a.v, uint64(v)) }
func (a *aI64) Add(d int64) int64 { return int64(xadd64(&a.v, uint64(d))) }
func (a *aI64) CompareAndSwap(old, new int64) bool {
	return cas64(&a.v, uint64(old), uint64(new))
}

type aU64 struct{ v uint64 }

func (a *aU64) Load() uint64                        { return ld64(&a.v) }
func (a *aU64) Store(v uint64)                      { st64(&a.v, v) }
func (a *aU64) CompareAndSwap(old, new uint64) bool { return cas64(&a.v, old, new) }

type aBool struct{ v uint32 }

func b32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func (a *aBool) Load() bool                        { return ld32(&a.v) != 0 }
func (a *aBool) Store(v bool)                      { st32(&a.v, b32(v)) }
func (a *aBool) Swap(v bool) bool                  { return xchg32(&a.v, b32(v)) != 0 }
func (a *aBool) CompareAndSwap(old, new bool) bool { return cas32(&a.v, b32(old), b32(new)) }

// slotPtr is a table cell. A pointer store needs the garbage collector's
// write barrier, which only sync/atomic's pointer functions do: stores run
// with the race detector's synchronisation handling off, loads in assembly.
type slotPtr struct{ p atomic.Pointer[slot] }

func (c *slotPtr) Load() *slot {
	return (*slot)(ldp((*unsafe.Pointer)(unsafe.Pointer(&c.p))))
}

func (c *slotPtr) Store(s *slot) {
	runtime.RaceDisable()
	c.p.Store(s)
	runtime.RaceEnable()
}

func (c *slotPtr) CompareAndSwap(old, new *slot) bool {
	runtime.RaceDisable()
	ok := c.p.CompareAndSwap(old, new)
	runtime.RaceEnable()
	return ok
}

// imutex is the internal mutex: a spin lock.
type imutex struct{ v aU32 }

func (m *imutex) Lock() {
	for !m.v.CompareAndSwap(0, 1) {
		runtime.Gosched()
	}
}

func (m *imutex) Unlock() { m.v.Store(0) }

// raceOff and raceOn bracket the runtime's channel operations and file
// writes, whose synchronisation the race detector must not see either.
func raceOff() { runtime.RaceDisable() }
func raceOn()  { runtime.RaceEnable() }
