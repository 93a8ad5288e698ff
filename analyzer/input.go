package analyzer

import (
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// Input is everything recorded about one lockscope invocation: the site table
// from the rewrite and one Process per target process started.
type Input struct {
	Target findings.Target
	Tool   findings.Tool
	Sites  *event.SiteTable
	// ModuleDir is the root of the target's module; stack frames under it
	// are the user's own code (preferred for locations and fingerprints).
	ModuleDir string
	// Processes are the runner's records, events read.
	Processes []*tracer.Process
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
