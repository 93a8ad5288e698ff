#include "textflag.h"

// Frame-pointer reads for dynamic sites (site.go). A NOFRAME leaf leaves
// R29 as its caller's frame pointer. In every frame, the saved frame
// pointer of the frame above is at 0(fp) and the frame's return address
// (its saved LR) at 8(fp), as the Go runtime's own frame-pointer unwinder
// reads them.

// func callerCaller() (pc, up uintptr)
TEXT ·callerCaller(SB), NOSPLIT|NOFRAME, $0-16
	MOVD	0(R29), R0
	MOVD	8(R0), R1
	MOVD	R1, pc+0(FP)
	MOVD	0(R0), R0
	MOVD	R0, up+8(FP)
	RET

// func frameAt(fp uintptr) (pc, up uintptr)
TEXT ·frameAt(SB), NOSPLIT|NOFRAME, $0-24
	MOVD	fp+0(FP), R0
	MOVD	8(R0), R1
	MOVD	R1, pc+8(FP)
	MOVD	0(R0), R0
	MOVD	R0, up+16(FP)
	RET
