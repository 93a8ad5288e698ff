//go:build !go1.25

package lockrt

// Before Go 1.25 there is no runtime/trace.FlightRecorder: a target built
// with an older toolchain runs without an execution trace, and lockscope's
// trace-based checks fall back to the goroutine dump.

// TraceCategory is the trace.Log category of the lock runtime's messages.
const TraceCategory = "lockscope.lock"

func startTrace()          {}
func writeTrace()          {}
func (a *acq) traceBlock() {}
