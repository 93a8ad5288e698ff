package lockrt

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
)

// Rec is a recording made by a test.
type Rec struct {
	r    *recorder
	path string
}

// StartRecording makes a fresh recorder, writing to a file in t's temp
// directory, the active one until the test ends.
func StartRecording(t testing.TB, stackGoid bool) *Rec {
	path := filepath.Join(t.TempDir(), "events.jsonl")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	r := newRecorder(f, options{stackGoid: stackGoid})
	start(r)
	t.Cleanup(func() {
		stop(r)
		f.Close()
	})
	return &Rec{r: r, path: path}
}

// Events decodes everything written so far.
func (x *Rec) Events(t testing.TB) []event.Event {
	t.Helper()
	f, err := os.Open(x.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	evs, warns, err := event.ReadAll(f)
	if err != nil || len(warns) > 0 {
		t.Fatalf("read events: %v %v", err, warns)
	}
	return evs
}

// Finish writes what an orderly exit writes, without exiting.
func (x *Rec) Finish() { x.r.finish(0) }

// WaitFor spins until n goroutines wait for a lock.
func (x *Rec) WaitFor(n int) {
	for {
		w := 0
		for _, g := range x.r.collect(0, 0) {
			if g.wait != nil {
				w++
			}
		}
		if w >= n {
			return
		}
		runtime.Gosched()
	}
}

// NotifySignal makes SIGUSR1 write a snapshot and then call after.
func (x *Rec) NotifySignal(after func()) (stop func()) { return notifySignal(x.r, after) }

// Pack packs a class and site like event.Site.Packed.
func Pack(class, site int32) uint64 { return event.Site{ID: site, Class: class}.Packed() }

// GoidOffset, Gword and StackGoid expose goroutine identity.
var (
	GoidOffset  = goidOffset
	DiscoverNow = discoverGoid
	StackGoid   = stackGoid
	Gword       = gword
	FastGoid    = fastGoid
	ParseGoid   = parseGoid
)

// Goid returns the calling goroutine's ID as the recorder reads it.
func (x *Rec) Goid() int64 { return x.r.goid() }

// Holds returns how many locks goroutine g's records hold, recorded or
// past the held depth.
func (x *Rec) Holds(g int64) int {
	n := 0
	x.r.eachSlot(func(s *slot) bool {
		if s.owner == g {
			n += int(s.n + s.drop)
		}
		return true
	})
	return n
}

// SelfDeadlocked exposes the watchdog's reading of a goroutine dump.
var SelfDeadlocked = selfDeadlocked

// TopSite returns the site of the calling goroutine's newest held lock.
func (x *Rec) TopSite() int32 {
	s := x.r.find(x.r.goid())
	defer x.r.release(s)
	return s.held[s.n-1].site
}

// DynamicSites returns the frames of the dynamic sites by ID.
func (x *Rec) DynamicSites() map[int32]event.Frame {
	x.r.sitesMu.Lock()
	defer x.r.sitesMu.Unlock()
	out := map[int32]event.Frame{}
	for i, f := range x.r.sites.frames {
		if x.r.sites.hashes[i] != 0 {
			out[x.r.sites.ids[i]] = f
		}
	}
	return out
}

// MaxWalk is how many frames a dynamic site's walk follows at most.
const MaxWalk = maxWalk

// SlowSites counts the dynamic sites found with runtime.Callers.
func (x *Rec) SlowSites() int64 { return x.r.slowSites.Load() }

// SampleEvery is how many acquisitions there are to one timed hold.
func SampleEvery() int { return int(sampleEvery) }

// CalibrateSampling sets the sampling rate as init does.
func CalibrateSampling(env string) { calibrateSampling(env) }
