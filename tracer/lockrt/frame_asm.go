//go:build amd64 || arm64

package lockrt

// framesOK reports that callerCaller and frameAt read frame pointers.
const framesOK = true

// callerCaller returns the return address of the calling function's caller
// (where the caller's caller resumes) and the frame pointer of the frame
// above that. The caller and its caller must be Go functions, which have
// frame pointers.
func callerCaller() (pc, up uintptr)

// frameAt returns the return address of the frame whose frame pointer is fp
// and the frame pointer of the frame above it (0 at the top of the stack).
func frameAt(fp uintptr) (pc, up uintptr)
