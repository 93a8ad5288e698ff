//go:build race

#include "textflag.h"

// Atomics for race builds, invisible to the race detector (atom.go). On
// amd64 a plain load is an acquire, and XCHG and LOCK-prefixed
// instructions are full barriers.

// func ld32(p *uint32) uint32
TEXT ·ld32(SB), NOSPLIT, $0-12
	MOVQ	p+0(FP), AX
	MOVL	0(AX), AX
	MOVL	AX, ret+8(FP)
	RET

// func st32(p *uint32, v uint32)
TEXT ·st32(SB), NOSPLIT, $0-12
	MOVQ	p+0(FP), BX
	MOVL	v+8(FP), AX
	XCHGL	AX, 0(BX)
	RET

// func cas32(p *uint32, old, new uint32) bool
TEXT ·cas32(SB), NOSPLIT, $0-17
	MOVQ	p+0(FP), BX
	MOVL	old+8(FP), AX
	MOVL	new+12(FP), CX
	LOCK
	CMPXCHGL	CX, 0(BX)
	SETEQ	ret+16(FP)
	RET

// func xadd32(p *uint32, d uint32) uint32
TEXT ·xadd32(SB), NOSPLIT, $0-20
	MOVQ	p+0(FP), BX
	MOVL	d+8(FP), AX
	MOVL	AX, CX
	LOCK
	XADDL	AX, 0(BX)
	ADDL	CX, AX
	MOVL	AX, ret+16(FP)
	RET

// func xchg32(p *uint32, v uint32) uint32
TEXT ·xchg32(SB), NOSPLIT, $0-20
	MOVQ	p+0(FP), BX
	MOVL	v+8(FP), AX
	XCHGL	AX, 0(BX)
	MOVL	AX, ret+16(FP)
	RET

// func ld64(p *uint64) uint64
TEXT ·ld64(SB), NOSPLIT, $0-16
	MOVQ	p+0(FP), AX
	MOVQ	0(AX), AX
	MOVQ	AX, ret+8(FP)
	RET

// func st64(p *uint64, v uint64)
TEXT ·st64(SB), NOSPLIT, $0-16
	MOVQ	p+0(FP), BX
	MOVQ	v+8(FP), AX
	XCHGQ	AX, 0(BX)
	RET

// func cas64(p *uint64, old, new uint64) bool
TEXT ·cas64(SB), NOSPLIT, $0-25
	MOVQ	p+0(FP), BX
	MOVQ	old+8(FP), AX
	MOVQ	new+16(FP), CX
	LOCK
	CMPXCHGQ	CX, 0(BX)
	SETEQ	ret+24(FP)
	RET

// func xadd64(p *uint64, d uint64) uint64
TEXT ·xadd64(SB), NOSPLIT, $0-24
	MOVQ	p+0(FP), BX
	MOVQ	d+8(FP), AX
	MOVQ	AX, CX
	LOCK
	XADDQ	AX, 0(BX)
	ADDQ	CX, AX
	MOVQ	AX, ret+16(FP)
	RET

// func ldp(p *unsafe.Pointer) unsafe.Pointer
TEXT ·ldp(SB), NOSPLIT, $0-16
	MOVQ	p+0(FP), AX
	MOVQ	0(AX), AX
	MOVQ	AX, ret+8(FP)
	RET
