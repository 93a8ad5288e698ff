//go:build race && !amd64 && !arm64

package lockrt

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Without assembly: sync/atomic with the race detector's synchronisation
// handling off around each operation.

func ld32(p *uint32) uint32 {
	runtime.RaceDisable()
	v := atomic.LoadUint32(p)
	runtime.RaceEnable()
	return v
}

func st32(p *uint32, v uint32) {
	runtime.RaceDisable()
	atomic.StoreUint32(p, v)
	runtime.RaceEnable()
}

func cas32(p *uint32, old, new uint32) bool {
	runtime.RaceDisable()
	ok := atomic.CompareAndSwapUint32(p, old, new)
	runtime.RaceEnable()
	return ok
}

func xadd32(p *uint32, d uint32) uint32 {
	runtime.RaceDisable()
	v := atomic.AddUint32(p, d)
	runtime.RaceEnable()
	return v
}

func xchg32(p *uint32, v uint32) uint32 {
	runtime.RaceDisable()
	v = atomic.SwapUint32(p, v)
	runtime.RaceEnable()
	return v
}

func ld64(p *uint64) uint64 {
	runtime.RaceDisable()
	v := atomic.LoadUint64(p)
	runtime.RaceEnable()
	return v
}

func st64(p *uint64, v uint64) {
	runtime.RaceDisable()
	atomic.StoreUint64(p, v)
	runtime.RaceEnable()
}

func cas64(p *uint64, old, new uint64) bool {
	runtime.RaceDisable()
	ok := atomic.CompareAndSwapUint64(p, old, new)
	runtime.RaceEnable()
	return ok
}

func xadd64(p *uint64, d uint64) uint64 {
	runtime.RaceDisable()
	v := atomic.AddUint64(p, d)
	runtime.RaceEnable()
	return v
}

func ldp(p *unsafe.Pointer) unsafe.Pointer {
	runtime.RaceDisable()
	v := atomic.LoadPointer(p)
	runtime.RaceEnable()
	return v
}
