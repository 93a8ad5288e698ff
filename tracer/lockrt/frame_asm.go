//go:build amd64 || arm64

package lockrt

// framesOK reports that callerFrames and frameAt read frame pointers.
const framesOK = true

// callerFrames returns the return addresses of the calling function's
// frame and of the frame above it, and the frame pointer of the frame above
// that. The caller's frame must be a Go function's (which has a frame
// pointer), and so must its caller's.
func callerFrames() (pc0, pc1, fp2 uintptr)

// frameAt returns the return address of the frame whose frame pointer is fp
// and the frame pointer of the frame above it (0 at the top of the stack).
func frameAt(fp uintptr) (pc, up uintptr)
