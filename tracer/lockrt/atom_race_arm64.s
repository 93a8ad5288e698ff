//go:build race

#include "textflag.h"

// Atomics for race builds, invisible to the race detector (atom.go):
// load-acquire, store-release and exclusive-pair loops, as in the Go
// runtime's internal/runtime/atomic.

// func ld32(p *uint32) uint32
TEXT ·ld32(SB), NOSPLIT, $0-12
	MOVD	p+0(FP), R0
	LDARW	(R0), R0
	MOVW	R0, ret+8(FP)
	RET

// func st32(p *uint32, v uint32)
TEXT ·st32(SB), NOSPLIT, $0-12
	MOVD	p+0(FP), R0
	MOVW	v+8(FP), R1
	STLRW	R1, (R0)
	RET

// func cas32(p *uint32, old, new uint32) bool
TEXT ·cas32(SB), NOSPLIT, $0-17
	MOVD	p+0(FP), R0
	MOVW	old+8(FP), R1
	MOVW	new+12(FP), R2
again:
	LDAXRW	(R0), R3
	CMPW	R1, R3
	BNE	fail
	STLXRW	R2, (R0), R3
	CBNZ	R3, again
	MOVD	$1, R4
	MOVB	R4, ret+16(FP)
	RET
fail:
	CLREX
	MOVB	ZR, ret+16(FP)
	RET

// func xadd32(p *uint32, d uint32) uint32
TEXT ·xadd32(SB), NOSPLIT, $0-20
	MOVD	p+0(FP), R0
	MOVW	d+8(FP), R1
again:
	LDAXRW	(R0), R2
	ADDW	R2, R1, R2
	STLXRW	R2, (R0), R3
	CBNZ	R3, again
	MOVW	R2, ret+16(FP)
	RET

// func xchg32(p *uint32, v uint32) uint32
TEXT ·xchg32(SB), NOSPLIT, $0-20
	MOVD	p+0(FP), R0
	MOVW	v+8(FP), R1
again:
	LDAXRW	(R0), R2
	STLXRW	R1, (R0), R3
	CBNZ	R3, again
	MOVW	R2, ret+16(FP)
	RET

// func ld64(p *uint64) uint64
TEXT ·ld64(SB), NOSPLIT, $0-16
	MOVD	p+0(FP), R0
	LDAR	(R0), R0
	MOVD	R0, ret+8(FP)
	RET

// func st64(p *uint64, v uint64)
TEXT ·st64(SB), NOSPLIT, $0-16
	MOVD	p+0(FP), R0
	MOVD	v+8(FP), R1
	STLR	R1, (R0)
	RET

// func cas64(p *uint64, old, new uint64) bool
TEXT ·cas64(SB), NOSPLIT, $0-25
	MOVD	p+0(FP), R0
	MOVD	old+8(FP), R1
	MOVD	new+16(FP), R2
again:
	LDAXR	(R0), R3
	CMP	R1, R3
	BNE	fail
	STLXR	R2, (R0), R3
	CBNZ	R3, again
	MOVD	$1, R4
	MOVB	R4, ret+24(FP)
	RET
fail:
	CLREX
	MOVB	ZR, ret+24(FP)
	RET

// func xadd64(p *uint64, d uint64) uint64
TEXT ·xadd64(SB), NOSPLIT, $0-24
	MOVD	p+0(FP), R0
	MOVD	d+8(FP), R1
again:
	LDAXR	(R0), R2
	ADD	R2, R1, R2
	STLXR	R2, (R0), R3
	CBNZ	R3, again
	MOVD	R2, ret+16(FP)
	RET

// func ldp(p *unsafe.Pointer) unsafe.Pointer
TEXT ·ldp(SB), NOSPLIT, $0-16
	MOVD	p+0(FP), R0
	LDAR	(R0), R0
	MOVD	R0, ret+8(FP)
	RET
