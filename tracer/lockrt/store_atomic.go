//go:build !amd64 || race

package lockrt

import "sync/atomic"

// Release stores: sync/atomic's, which on arm64 are STLR (a store-release,
// not a barrier), and which the race detector understands.

// releaseU32 stores v with at least release order.
func releaseU32(a *atomic.Uint32, v uint32) { a.Store(v) }

// releaseI64 stores v with at least release order.
func releaseI64(a *atomic.Int64, v int64) { a.Store(v) }
