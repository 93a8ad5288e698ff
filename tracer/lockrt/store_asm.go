//go:build (amd64 || arm64) && !race

package lockrt

import (
	"sync/atomic"
	"unsafe"
)

// Release stores. A sync/atomic Store is a full barrier (XCHG on amd64); an
// unlock and a holder update need only release order: a plain MOV under
// amd64's total store order, STLR on arm64. The race detector does not see
// assembly, so race builds use sync/atomic instead (store_atomic.go).

//go:noescape
func storeRel32(p *uint32, v uint32)

//go:noescape
func storeRel64(p *int64, v int64)

func releaseU32(a *atomic.Uint32, v uint32) { storeRel32((*uint32)(unsafe.Pointer(a)), v) }

func releaseI64(a *atomic.Int64, v int64) { storeRel64((*int64)(unsafe.Pointer(a)), v) }
