package analyzer

import "github.com/lockscope/lockscope/tracer/event"

// Input is everything recorded about one lockscope invocation: the site table
// from the rewrite and one Process per target process started.
type Input struct {
	Target Target
	Tool   Tool
	Sites  *event.SiteTable
	// ModuleDir is the root of the target's module; stack frames under it
	// are the user's own code (preferred for locations and fingerprints).
	ModuleDir string
	Processes []*Process
	// Thresholds tune the timing checks; zero values mean the defaults.
	Thresholds Thresholds
}

// Thresholds tune checks that judge timing (see the contention and
// long-hold checks' Doc). A zero field means its default; a negative one
// turns that condition off.
type Thresholds struct {
	// LongHoldNs is the hold (or single wait) time in nanoseconds above
	// which a lock is reported as held long (default 100ms).
	LongHoldNs int64
	// MinWaitNs is the total wait time in nanoseconds, over all
	// goroutines, below which a lock is not reported as contended
	// (default 50ms).
	MinWaitNs int64
	// MinWaitShare is the total wait time as a share of the target's wall
	// time (0.05 is 5%) below which a lock is not reported as contended
	// (default 0.05).
	MinWaitShare float64
	// MinWaits is the number of contended acquisitions below which a lock
	// is not reported as contended (default 10).
	MinWaits int64
}

// Process is one run of one target process.
type Process struct {
	Run     int    // 1-based repetition (--runs)
	Package string // import path for a test binary, or the program's name
	Events  []event.Event
	// EventWarnings say what was lost reading the event log.
	EventWarnings []string
	ExitCode      int
	// TimedOut is set when lockscope stopped the process at its deadline.
	TimedOut bool
	// Signal names the signal that ended the process, if one did.
	Signal     string
	DurationMs int64
	// Output is the tail of the process's combined stdout and stderr
	// (bounded), used to explain failures; OutputPath is the whole file.
	Output     string
	OutputPath string
	EventsPath string
	// ProfilePrefix names the Go runtime profiles the lock runtime wrote:
	// <prefix>.block.pb.gz (waiters) and <prefix>.mutex.pb.gz (holders);
	// "" or missing files when there are none.
	ProfilePrefix string
	// TracePath is the process's execution trace (the flight recorder's
	// last window); "" or a missing file when there is none.
	TracePath string
	// trace is the summary of TracePath, read once on first use (trace.go).
	trace *traceMemo
	// RaceLogs are the paths of the race detector's report files (GORACE
	// log_path), read by the data-race check. When there are none, race
	// reports are looked for in Output instead.
	RaceLogs []string
	// StartError is set when the process could not be started at all.
	StartError string
	// Seed is the run's schedule-exploration seed; 0 when not exploring.
	Seed uint64
}
