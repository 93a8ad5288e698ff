#include "textflag.h"

// func gword(off uintptr) int64
TEXT ·gword(SB), NOSPLIT, $0-16
	MOVD off+0(FP), R1
	MOVD g, R0
	MOVD (R0)(R1), R0
	MOVD R0, ret+8(FP)
	RET

// func fastGoid() int64
TEXT ·fastGoid(SB), NOSPLIT, $0-8
	MOVD ·goidOff(SB), R1
	MOVD g, R0
	MOVD (R0)(R1), R0
	MOVD R0, ret+0(FP)
	RET
