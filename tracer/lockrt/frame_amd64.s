#include "textflag.h"

// Frame-pointer reads for dynamic sites (site.go). A function with a $0
// frame sets up no frame pointer of its own, so BP is still its caller's.
// In every frame, the saved frame pointer of the frame above is at 0(fp)
// and the frame's return address at 8(fp).

// func callerCaller() (pc, up uintptr)
TEXT ·callerCaller(SB), NOSPLIT, $0-16
	MOVQ	0(BP), AX
	MOVQ	8(AX), BX
	MOVQ	BX, pc+0(FP)
	MOVQ	0(AX), AX
	MOVQ	AX, up+8(FP)
	RET

// func frameAt(fp uintptr) (pc, up uintptr)
TEXT ·frameAt(SB), NOSPLIT, $0-24
	MOVQ	fp+0(FP), AX
	MOVQ	8(AX), BX
	MOVQ	BX, pc+8(FP)
	MOVQ	0(AX), AX
	MOVQ	AX, up+16(FP)
	RET
