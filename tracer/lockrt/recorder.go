package lockrt

import (
	"io"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
)

// cur is the active recorder; nil when recording is off.
var cur atomic.Pointer[recorder]

// procStart is the origin of event times.
var procStart = time.Now()

// now returns nanoseconds since the process started.
func now() int64 { return int64(time.Since(procStart)) }

// recorder holds everything recording needs. One is created when recording
// starts; tests create one per test.
type recorder struct {
	wmu imutex // guards w
	w   io.Writer

	goidOff   uintptr // offset of goid in g (the package's goidOff, which fastGoid reads); 0: parse runtime.Stack
	fromStart bool    // on since before any lock was used: every lock was seen
	block     bool    // LOCKSCOPE_SELF_DEADLOCK=block: let self-deadlocks block

	cells *[1 << slotBits]slotPtr // table records by goid&slotMask; an array, so no bounds checks
	over  overflow

	chains *table // chain keys seen
	pairs  *table // same-class (held instance, new instance) pairs seen
	once   *table // recursive-RLock site pairs reported
	told   *table // instances described by KindInstance
	pcs    *table // dynamic-site cache by caller PCs
	pcSite []aI32
	ords   *table // per-class instance counters
	ordN   []aI64
	stats  *table // per-class timing
	cls    []classStats

	sitesMu   imutex // guards sites
	sites     siteMap
	slowSites aI64 // dynamic sites found with runtime.Callers (tests)

	saidDepth aBool // KindOverflow for the held depth was written
	dirty     aBool // stats changed since the last KindStats
	kick      chan struct{}
	quit      chan struct{}
	done      chan struct{} // closed when statsLoop returns
}

// options configure a recorder.
type options struct {
	stackGoid bool // parse goroutine IDs from runtime.Stack
	fromStart bool
	block     bool
}

func newRecorder(w io.Writer, o options) *recorder {
	r := &recorder{w: w, fromStart: o.fromStart, block: o.block,
		cells:  new([1 << slotBits]slotPtr),
		chains: newTable(16), pairs: newTable(16), once: newTable(12), told: newTable(16),
		pcs: newTable(14), ords: newTable(14), stats: newTable(12),
		kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	r.pcSite = make([]aI32, len(r.pcs.keys))
	r.ordN = make([]aI64, len(r.ords.keys))
	r.cls = make([]classStats, len(r.stats.keys))
	gopcOffset() // creation sites (creatorPC)
	if !o.stackGoid {
		r.goidOff = goidOffset()
	}
	return r
}

// start makes r the active recorder and writes KindStart.
func start(r *recorder) {
	mode := "stack"
	if r.goidOff != 0 {
		mode = "asm"
	}
	warmJSON()
	r.emit(&event.Event{Kind: event.KindStart, PID: os.Getpid(),
		GoVersion: runtime.Version(), GoidMode: mode})
	go r.statsLoop()
	cur.Store(r)
}

// stop ends recording by r (tests only): no lock may be held. It returns
// once the stats goroutine has stopped writing.
func stop(r *recorder) {
	cur.CompareAndSwap(r, nil)
	close(r.quit)
	<-r.done
}

func init() {
	calibrateSampling(os.Getenv("LOCKSCOPE_SAMPLE_EVERY"))
	path := os.Getenv("LOCKSCOPE_EVENTS")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return // recording is best effort and never prints
	}
	r := newRecorder(f, options{fromStart: true,
		block: os.Getenv("LOCKSCOPE_SELF_DEADLOCK") == "block"})
	start(r)
	r.monitorLeaks()   // leak.go
	r.watchDeadlocks() // deadlock.go
	startProfiles()
	startTrace()
	notifySignal(r, nil)
}

// goid returns the running goroutine's ID.
func (r *recorder) goid() int64 {
	if r.goidOff != 0 {
		return gword(r.goidOff)
	}
	return stackGoid()
}

// emit writes ev with one write call, first describing any instance in sts
// that no earlier event described. The instances' fields are read
// uninstrumented (atom.go).
//
//go:norace
func (r *recorder) emit(ev *event.Event, refs ...lref) {
	ev.Time = now()
	b, err := event.Marshal(ev)
	if err != nil {
		return
	}
	r.wmu.Lock()
	defer r.wmu.Unlock()
	for _, ref := range refs {
		d, ok := peek(ref)
		if !ok {
			continue // freed: the analyzer names it by class
		}
		if c, isNew, _ := r.told.add(uint64(ref.inst)); c >= 0 && !isNew {
			continue // told (when the table is full: told every time)
		}
		ib, err := event.Marshal(&event.Event{Kind: event.KindInstance, Time: ev.Time,
			Inst: ref.inst, Class: d.class, Site: d.site, Ordinal: d.ord})
		if err == nil {
			r.write(ib)
		}
	}
	r.write(b)
}

// write writes b; the caller holds wmu. In -race builds the file's own
// synchronisation (its descriptor's lock, the syscall package's I/O
// ordering) is hidden from the race detector like the runtime's (atom.go).
func (r *recorder) write(b []byte) {
	raceOff()
	_, _ = r.w.Write(b)
	raceOn()
}

// overflowed says that the table behind reason filled up.
func (r *recorder) overflowed(reason string) {
	r.emit(&event.Event{Kind: event.KindOverflow, Reason: reason})
}

// maxStack bounds the frames of a recorded stack.
const maxStack = 32

const pkgPrefix = "github.com/lockscope/lockscope/tracer/lockrt."

// stack returns the calling stack without its leading lockrt frames.
func stack() []event.Frame {
	var pcs [maxStack + 16]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	var out []event.Frame
	for len(out) < maxStack {
		f, more := frames.Next()
		if len(out) > 0 || !strings.HasPrefix(f.Function, pkgPrefix) {
			out = append(out, event.Frame{Func: f.Function, File: f.File, Line: f.Line})
		}
		if !more {
			break
		}
	}
	return out
}
