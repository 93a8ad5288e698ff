//go:build race && (amd64 || arm64)

package lockrt

import "unsafe"

// Atomics in assembly, which the race detector does not instrument
// (atom_race_amd64.s, atom_race_arm64.s). Add functions return the new
// value.

//go:noescape
func ld32(p *uint32) uint32

//go:noescape
func st32(p *uint32, v uint32)

//go:noescape
func cas32(p *uint32, old, new uint32) bool

//go:noescape
func xadd32(p *uint32, d uint32) uint32

//go:noescape
func xchg32(p *uint32, v uint32) uint32

//go:noescape
func ld64(p *uint64) uint64

//go:noescape
func st64(p *uint64, v uint64)

//go:noescape
func cas64(p *uint64, old, new uint64) bool

//go:noescape
func xadd64(p *uint64, d uint64) uint64

//go:noescape
func ldp(p *unsafe.Pointer) unsafe.Pointer
