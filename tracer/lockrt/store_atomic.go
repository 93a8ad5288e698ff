//go:build !amd64 || race

package lockrt

// Release stores: sync/atomic's, which on arm64 are STLR (a store-release,
// not a barrier); in race builds the internal atomics' (atom_race.go), which
// the race detector does not see.

// releaseU32 stores v with at least release order.
func releaseU32(a *aU32, v uint32) { a.Store(v) }

// releaseI64 stores v with at least release order.
func releaseI64(a *aI64, v int64) { a.Store(v) }
