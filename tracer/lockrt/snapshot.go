package lockrt

import (
	"os"
	"runtime"
	"slices"

	"github.com/lockscope/lockscope/tracer/event"
)

// maxDump caps the goroutine dump of a snapshot.
const maxDump = 8 << 20

// snapshot writes KindSnapshot: every goroutine that holds or waits for a
// lock, and every goroutine's stack, as one consistent cut (see cut).
func (r *recorder) snapshot(reason string) {
	// Proved leaks first (leak.go), so the dump below marks them.
	r.tellLeaked(reason)
	writeProfiles() // first: a stopped target is killed once its snapshot is seen
	writeTrace()    // likewise
	gs, d, unsettled := r.cut()
	r.emit(&event.Event{Kind: event.KindSnapshot, Reason: reason,
		Goroutines: goroutinesOf(gs), Dump: d, Unsettled: unsettled}, refsOf(nil, gs)...)
}

// cutTries bounds how often cut retries to settle every goroutine.
const cutTries = 3

// cut reads the lock table and the goroutine dump as one consistent cut.
// The table is read before and after the dump; a goroutine whose record is
// the same both times held exactly those locks all through the dump, and so
// at the same moment as every other such goroutine, whatever the scheduler
// did — unless it is in the middle of an Unlock, between the real unlock
// and its record's update (the instance already names no holder, or
// another), where it may stay for a while when it is not scheduled.
// Goroutines whose records changed (they locked, unlocked, or ended and
// were replaced meanwhile) or were mid-unlock are unsettled: retried a few
// times, then
// left out of the cut and listed, so that no verdict rests on a torn read
// (a goroutine that unlocked and exited between the two reads would
// otherwise seem to have ended holding its lock).
func (r *recorder) cut() ([]gstate, string, []int64) {
	before := r.collect(0, 0)
	for try := 1; ; try++ {
		d := dump()
		after := r.collect(0, 0)
		settled, unsettled := settle(before, after)
		if len(unsettled) == 0 || try == cutTries {
			return settled, d, unsettled
		}
		before = after
	}
}

// settle splits the goroutines of two table reads into those whose records
// did not change between them (as read the second time) and the IDs of
// those whose did, or whose record was in the middle of a change, sorted.
func settle(before, after []gstate) ([]gstate, []int64) {
	old := make(map[int64]*gstate, len(before))
	for i := range before {
		old[before[i].id] = &before[i]
	}
	var settled []gstate
	var unsettled []int64
	for i := range after {
		g := &after[i]
		if b, ok := old[g.id]; ok && b.same(g) && !g.moving {
			settled = append(settled, *g)
		} else {
			unsettled = append(unsettled, g.id)
		}
		delete(old, g.id)
	}
	for id := range old { // released everything, or ended and replaced
		unsettled = append(unsettled, id)
	}
	slices.Sort(unsettled)
	return settled, unsettled
}

// dump returns runtime.Stack of all goroutines, at most maxDump bytes.
func dump() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= maxDump {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// finish writes what an orderly exit writes: the exit snapshot, the final
// stats and KindExit with code.
func (r *recorder) finish(code int) {
	r.snapshot("exit")
	r.dirty.Store(true)
	r.writeStats()
	r.emit(&event.Event{Kind: event.KindExit, Code: code})
	if f, ok := r.w.(*os.File); ok {
		_ = f.Sync()
	}
}

// Main runs f, the program's renamed main function, and then, when
// recording, writes the exit snapshot and the exit event (code 0). The
// rewriter makes a program's main call Main.
func Main(f func()) {
	f()
	if r := cur.Load(); r != nil {
		r.finish(0)
	}
}

// Exit ends the process like os.Exit(code), first writing the exit snapshot
// and the exit event when recording. The rewriter turns os.Exit calls in
// instrumented code into Exit.
func Exit(code int) {
	if r := cur.Load(); r != nil {
		r.finish(code)
	}
	os.Exit(code)
}
