package lockrt

import (
	"os"
	"runtime"

	"github.com/lockscope/lockscope/tracer/event"
)

// maxDump caps the goroutine dump of a snapshot.
const maxDump = 8 << 20

// snapshot writes KindSnapshot: every goroutine that holds or waits for a
// lock, and every goroutine's stack.
func (r *recorder) snapshot(reason string) {
	writeProfiles() // first: a stopped target is killed once its snapshot is seen
	writeTrace()    // likewise
	gs := r.collect(0, 0)
	r.emit(&event.Event{Kind: event.KindSnapshot, Reason: reason,
		Goroutines: goroutinesOf(gs), Dump: dump()}, statesOf(nil, gs)...)
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
