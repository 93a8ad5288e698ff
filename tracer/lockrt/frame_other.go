//go:build !amd64 && !arm64

package lockrt

// framesOK is false where there is no assembly frame-pointer reader:
// dynamic sites are then found with runtime.Callers every time.
const framesOK = false

func callerCaller() (pc, up uintptr) { return 0, 0 }

func frameAt(fp uintptr) (pc, up uintptr) { return 0, 0 }
