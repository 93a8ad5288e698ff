//go:build !race

package lockrt

import (
	"sync"
	"sync/atomic"
)

// Ordinary builds: sync/atomic and sync, by alias (see atom.go).

type (
	aU32    = atomic.Uint32
	aI32    = atomic.Int32
	aI64    = atomic.Int64
	aU64    = atomic.Uint64
	aBool   = atomic.Bool
	slotPtr = atomic.Pointer[slot]
	imutex  = sync.Mutex
)

// raceOff and raceOn bracket the runtime's channel operations and file
// writes: no-ops outside -race builds.
func raceOff() {}
func raceOn()  {}
