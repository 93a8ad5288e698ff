#include "textflag.h"

// func gword(off uintptr) int64
TEXT ·gword(SB), NOSPLIT, $0-16
	MOVQ off+0(FP), BX
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	MOVQ AX, ret+8(FP)
	RET

// func fastGoid() int64
TEXT ·fastGoid(SB), NOSPLIT, $0-8
	MOVQ ·goidOff(SB), BX
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	MOVQ AX, ret+0(FP)
	RET
