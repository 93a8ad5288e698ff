package lockrt

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
)

// The Go runtime's own block and mutex profiles give lockscope what its
// counters do not: the stacks of the goroutines that waited for a lock (the
// block profile charges a wait to the waiter) and of the goroutines whose
// Unlock made them wait (the mutex profile charges it to the unlocker, so
// its stacks are the sites that held the lock while others waited). Both
// cost nothing on an uncontended acquisition: the runtime only looks at the
// rates when a goroutine actually blocks or an Unlock wakes a waiter.

// blockRate is the block profile rate in nanoseconds: every blocking event
// of at least 10µs is recorded, shorter ones with probability d/10µs (the
// runtime scales those up), which bounds the cost of profiling busy
// channels and short lock waits.
const blockRate = 10_000

// mutexFraction records every contended Unlock: one stack per handoff to a
// waiter, small beside the wakeup itself, and small runs need every one to
// name the holders.
const mutexFraction = 1

// profileFiles is where the profiles go: written once at start-up by
// startProfiles, then only read.
var profileFiles struct {
	prefix string     // LOCKSCOPE_PROFILES; "" when profiles are off
	mu     sync.Mutex // serializes writeProfiles (a signal snapshot and exit)
}

// startProfiles turns the block and mutex profiles on when the environment
// variable LOCKSCOPE_PROFILES names a file prefix; writeProfiles then writes
// <prefix>.block.pb.gz and <prefix>.mutex.pb.gz. A target that sets its own
// rates later overrides these.
func startProfiles() {
	prefix := os.Getenv("LOCKSCOPE_PROFILES")
	if prefix == "" {
		return
	}
	profileFiles.prefix = prefix
	runtime.SetBlockProfileRate(blockRate)
	runtime.SetMutexProfileFraction(mutexFraction)
}

// writeProfiles writes the block and mutex profiles as gzipped protocol
// buffers, each to a temporary file renamed into place, so that a process
// killed while writing keeps the previous complete profile. It does nothing
// when profiles are off, and never prints.
func writeProfiles() {
	if profileFiles.prefix == "" {
		return
	}
	profileFiles.mu.Lock()
	defer profileFiles.mu.Unlock()
	for _, name := range []string{"block", "mutex"} {
		writeProfile(name, profileFiles.prefix+"."+name+".pb.gz")
	}
}

// writeProfile writes the runtime profile called name to path.
func writeProfile(name, path string) {
	p := pprof.Lookup(name)
	if p == nil {
		return
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return
	}
	err = p.WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return
	}
	_ = os.Rename(tmp, path)
}
