package lockrt

import (
	"strconv"
	"strings"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
)

// Would-be double locks.
//
// A goroutine that locks an instance its held list already holds is not
// necessarily stuck: Go lets another goroutine unlock a Mutex, or RUnlock a
// read lock, that this one acquired, and the Lock then simply waits for it.
// So the acquisition blocks on the real lock, as it would without
// lockscope, and a watchdog goroutine decides from goroutine dumps
// (runtime.Stack of all goroutines): right away, and then every
// watchPeriod while the goroutine is still blocked, it checks whether any
// other goroutine of the target could still make progress. Only when none
// can, in two checks at least watchPeriod apart, is the double lock
// certain: KindDoubleLock, with the stack of the Lock call, and unless
// LOCKSCOPE_SELF_DEADLOCK=block the exit snapshot and status 3. If the lock
// is acquired (a handoff), the watchdog stops and nothing is reported.
//
// A goroutine cannot progress by itself when the dump shows it waiting on a
// lock, a semaphore, a WaitGroup or a Cond, sending on a channel, receiving
// from a nil channel, in an empty select, or receiving in package testing
// (a test runner waiting for its test). Everything else counts as able to
// progress: running, runnable, system calls, I/O, sleeps, selects (which
// may have a timer case), and receives in the target's code, because a
// receive from a timer channel looks in a dump like any other. The second
// check covers goroutines that a timer starts (time.AfterFunc), which no
// dump shows before they run. The runtime's own goroutines (created by
// package lockrt, os/signal's loop, runtime/trace's) are left out. A
// double lock the watchdog cannot confirm (a busy server) blocks, and a
// snapshot at lockscope's deadline shows the goroutine waiting for an
// instance it holds, which the analyzer reports as a double lock too.

const (
	watchPeriod = 200 * time.Millisecond
	watchRetry  = 5 * time.Millisecond // first re-check while the goroutine has not parked yet
)

// watchdog watches one would-be double lock.
type watchdog struct {
	done aBool
	stop chan struct{}
}

// suspect starts a watchdog for a, whose held list holds the instance it is
// about to block on, capturing the stack of the Lock call.
func (a *acq) suspect() {
	w := &watchdog{stop: make(chan struct{})}
	a.watch = w
	go a.r.watchDouble(w, *a, stack())
}

// end stops the watchdog: the lock was acquired.
func (w *watchdog) end() {
	w.done.Store(true)
	raceOff()
	close(w.stop)
	raceOn()
}

func (r *recorder) watchDouble(w *watchdog, a acq, stk []event.Frame) {
	var wait time.Duration
	var since time.Time // first check that found every goroutine stuck
	for {
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-w.stop:
				t.Stop()
				return
			case <-t.C:
			}
		}
		if w.done.Load() {
			return
		}
		parked, stuck := selfDeadlocked(dump(), a.g)
		switch {
		case !parked: // not blocked yet, or just woken
			since = time.Time{}
			wait = clampWait(2 * wait)
		case !stuck:
			since = time.Time{}
			wait = watchPeriod
		case since.IsZero():
			since = time.Now()
			wait = watchPeriod
		case time.Since(since) >= watchPeriod-watchRetry:
			if w.done.Load() {
				return
			}
			r.doubleLock(&a, stk)
			return
		default:
			wait = watchPeriod - time.Since(since)
		}
	}
}

// gdump is what the watchdog reads of one goroutine of a dump.
type gdump struct {
	id      int64
	state   string // the wait reason: "chan receive", "sync.Mutex.Lock", ...
	top     string // function of the first frame
	entry   string // function of the last frame; "" if frames were elided
	creator string // function of the go statement; "" for the main goroutine
}

// parseDump reads the goroutines of a runtime.Stack(all) dump.
func parseDump(d string) []gdump {
	var out []gdump
	var g *gdump
	for _, line := range strings.Split(d, "\n") {
		switch {
		case strings.HasPrefix(line, "goroutine "):
			out = append(out, gdump{})
			g = &out[len(out)-1]
			rest := line[len("goroutine "):]
			sp := strings.IndexByte(rest, ' ')
			if sp < 0 {
				continue
			}
			g.id, _ = strconv.ParseInt(rest[:sp], 10, 64)
			if o, c := strings.IndexByte(rest, '['), strings.LastIndexByte(rest, ']'); o >= 0 && c > o {
				st := rest[o+1 : c]
				if i := strings.Index(st, ", "); i >= 0 {
					st = st[:i]
				}
				g.state = st
			}
		case g == nil || line == "" || line[0] == '\t':
		case strings.HasPrefix(line, "created by "):
			fn := line[len("created by "):]
			if i := strings.Index(fn, " in goroutine "); i >= 0 {
				fn = fn[:i]
			}
			g.creator = fn
		case strings.HasPrefix(line, "..."):
			g.entry = "" // frames elided: the entry is unknown
		default:
			fn := line
			if i := strings.LastIndexByte(fn, '('); i > 0 {
				fn = fn[:i]
			}
			if g.top == "" {
				g.top = fn
			}
			g.entry = fn
		}
	}
	return out
}

// selfDeadlocked reads dump d: parked reports that goroutine g waits on a
// lock, stuck that no other goroutine of the target can make progress.
func selfDeadlocked(d string, g int64) (parked, stuck bool) {
	if len(d) >= maxDump {
		return false, false // truncated: unsure
	}
	stuck = true
	for _, gd := range parseDump(d) {
		switch {
		case gd.id == g:
			parked = lockWait(gd.state)
		case ownGoroutine(gd):
		case progresses(gd):
			stuck = false
		}
	}
	return parked, stuck
}

// lockWait reports the wait reasons of a goroutine blocked on a lock.
func lockWait(state string) bool {
	switch state {
	case "sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock", "semacquire":
		return true
	}
	return false
}

// progresses reports whether a goroutine might make progress without the
// help of another goroutine; when unsure, it might.
func progresses(g gdump) bool {
	switch g.state {
	case "sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock", "semacquire",
		"sync.WaitGroup.Wait", "sync.Cond.Wait", "chan send", "chan send (nil chan)",
		"chan receive (nil chan)", "select (no cases)":
		return false
	case "chan receive":
		return !strings.HasPrefix(g.top, "testing.") // maybe a timer channel
	}
	return true
}

// ownGoroutine reports the lock runtime's goroutines and those of the
// packages it starts: they never unlock a target's lock.
func ownGoroutine(g gdump) bool {
	for _, fn := range [...]string{g.creator, g.entry} {
		if strings.HasPrefix(fn, "os/signal.") || strings.HasPrefix(fn, "runtime/trace.") {
			return true
		}
	}
	return strings.HasPrefix(g.creator, pkgPrefix) // lockrt never starts a target's function
}

// clampWait bounds a watchdog wait to [watchRetry, watchPeriod] (not the
// min and max builtins: the runtime builds at go 1.20).
func clampWait(d time.Duration) time.Duration {
	if d < watchRetry {
		return watchRetry
	}
	if d > watchPeriod {
		return watchPeriod
	}
	return d
}
