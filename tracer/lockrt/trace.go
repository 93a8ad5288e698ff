//go:build go1.25

package lockrt

import (
	"context"
	"os"
	"runtime/trace"
	"strconv"
	"sync"
	"time"
)

// Execution tracing. When the environment variable LOCKSCOPE_TRACE names a
// file, the runtime keeps a flight recorder (runtime/trace.FlightRecorder)
// running: the last traceMinAge of execution trace, at most about
// traceMaxBytes, in memory. Every snapshot (SIGUSR1, Main, Exit) writes
// that window to the file, replacing the previous one, so a target that
// hangs or is killed after its snapshot still leaves the trace of its last
// seconds.
//
// Lock identity reaches the trace on the contended path only: just before
// an acquisition blocks, a trace.Log in category TraceCategory with the
// message "<class> <instance> <mode>" (event.Lock's Class, Inst and Mode)
// names the lock, so that the goroutine's following "sync" block can be
// attributed to it. An acquisition that does not block logs nothing.

// TraceCategory is the trace.Log category of the lock runtime's messages.
const TraceCategory = "lockscope.lock"

const (
	traceMinAge   = 10 * time.Second
	traceMaxBytes = 32 << 20
)

// tracing is the flight recorder started from LOCKSCOPE_TRACE.
var tracing struct {
	mu   sync.Mutex // guards fr and path, and serialises writes of the file
	fr   *trace.FlightRecorder
	path string
}

// startTrace starts the flight recorder when LOCKSCOPE_TRACE names a file.
// Tracing is best effort: a recorder that cannot start is left off,
// silently, like the event log.
func startTrace() {
	path := os.Getenv("LOCKSCOPE_TRACE")
	if path == "" {
		return
	}
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: traceMinAge, MaxBytes: traceMaxBytes})
	if err := fr.Start(); err != nil {
		return
	}
	tracing.mu.Lock()
	tracing.fr, tracing.path = fr, path
	tracing.mu.Unlock()
}

// writeTrace writes the flight recorder's window to the trace file: to a
// temporary file first, renamed over the old one, so that a process killed
// while writing keeps its previous window whole.
func writeTrace() {
	tracing.mu.Lock()
	defer tracing.mu.Unlock()
	if tracing.fr == nil {
		return
	}
	tmp := tracing.path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return
	}
	_, werr := tracing.fr.WriteTo(f)
	if cerr := f.Close(); werr != nil || cerr != nil {
		_ = os.Remove(tmp)
		return
	}
	_ = os.Rename(tmp, tracing.path)
}

// traceBlock logs the lock a is about to block on, when the execution
// tracer is on. It is called only on the contended path.
func (a *acq) traceBlock() {
	if !trace.IsEnabled() {
		return
	}
	mode := "w"
	if a.read {
		mode = "r"
	}
	var buf [48]byte
	b := strconv.AppendInt(buf[:0], int64(a.st.class), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, a.st.id.Load(), 10)
	b = append(b, ' ')
	b = append(b, mode...)
	trace.Log(context.Background(), TraceCategory, string(b))
}
