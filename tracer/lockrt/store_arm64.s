//go:build !race

#include "textflag.h"

// func storeRel32(p *uint32, v uint32)
TEXT ·storeRel32(SB), NOSPLIT, $0-12
	MOVD p+0(FP), R0
	MOVW v+8(FP), R1
	STLRW R1, (R0)
	RET

// func storeRel64(p *int64, v int64)
TEXT ·storeRel64(SB), NOSPLIT, $0-16
	MOVD p+0(FP), R0
	MOVD v+8(FP), R1
	STLR R1, (R0)
	RET
