//go:build amd64 && !race

package lockrt

import (
	"unsafe"
)

// Release stores. A sync/atomic Store is a full barrier on amd64 (XCHG, a
// locked instruction); an unlock, a section mark or a holder update needs
// only release order, which a plain MOV has under amd64's total store order.
// The Go compiler keeps memory operations in program order around it (a
// store is never moved before an earlier load or store, nor after a later
// store, call or atomic operation). Race builds use the atomic types'
// sequentially consistent Store instead (store_atomic.go, atom_race.go).

func releaseU32(a *aU32, v uint32) { *(*uint32)(unsafe.Pointer(a)) = v }

func releaseI64(a *aI64, v int64) { *(*int64)(unsafe.Pointer(a)) = v }
