package lockrt_test

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"weak"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/lockrt"
)

// TestTestStartReportsLeaks: a goroutine a subtest leaves blocked is
// reported when the subtest ends, named with the subtest; one that ends
// during the retry window, and the test's own goroutine, are not.
func TestTestStartReportsLeaks(t *testing.T) {
	x := lockrt.StartRecording(t, false)
	stop := make(chan struct{})
	defer close(stop)
	t.Run("leaky", func(t *testing.T) {
		lockrt.TestStart(t)
		ch := make(chan int)
		go func() { // blocked until the parent test ends: a leak of leaky
			select {
			case ch <- 1:
			case <-stop:
			}
		}()
		late := make(chan struct{})
		go func() { <-late }() // released by the test's own cleanup
		t.Cleanup(func() { close(late) })
	})
	t.Run("clean", func(t *testing.T) {
		lockrt.TestStart(t)
		done := make(chan struct{})
		go func() { close(done) }()
		<-done
	})
	var leaks, ends []event.Event
	for _, ev := range x.Events(t) {
		switch ev.Kind {
		case event.KindLeak:
			leaks = append(leaks, ev)
		case event.KindTest:
			ends = append(ends, ev)
		}
	}
	if len(ends) != 2 || ends[0].Test != t.Name()+"/leaky" || ends[1].Test != t.Name()+"/clean" {
		t.Errorf("test ends %+v, want leaky then clean", ends)
	}
	if len(leaks) != 1 || leaks[0].Test != t.Name()+"/leaky" || leaks[0].Reason != "test" {
		t.Fatalf("leak events %+v, want one for leaky", leaks)
	}
	if n := strings.Count("\n"+leaks[0].Dump, "\ngoroutine "); n != 1 || !strings.Contains(leaks[0].Dump, "[select") {
		t.Errorf("leak dump lists %d goroutines, want the one in select:\n%s", n, leaks[0].Dump)
	}
}

// TestLeakProvedThroughLock: goroutines blocked on an instrumented Mutex
// whose holder ended are proved leaked by the Go runtime's leak profile,
// which needs the Mutex to be unreachable from every runnable goroutine:
// the runtime's own tables (held lists, wait records) must not keep it
// reachable. The child leaks them and exits through lockrt.Exit, whose
// snapshot asks the leak profile first.
func TestLeakProvedThroughLock(t *testing.T) {
	if os.Getenv(childEnv) == "lock-leak-proof" {
		leakBehindEndedHolder(2)
		lockrt.Exit(7)
	}
	if testing.Short() {
		t.Skip("builds this package's tests with the leak profile")
	}
	var cmd *exec.Cmd
	var env []string
	if pprof.Lookup("goroutineleak") != nil {
		cmd = exec.Command(os.Args[0], "-test.run=^TestLeakProvedThroughLock$", "-test.count=1")
	} else if strings.HasPrefix(runtime.Version(), "go1.26") {
		cmd = exec.Command("go", "test", "-count=1", "-run=^TestLeakProvedThroughLock$", ".")
		env = append(env, "GOEXPERIMENT=goroutineleakprofile", "GOFLAGS=")
	} else {
		t.Skip("no goroutine leak profile in " + runtime.Version())
	}
	evs, stderr, _ := runChild(t, cmd, "lock-leak-proof", env...) // go test exits 1 for any code
	if exits := kindOf(evs, event.KindExit); len(exits) != 1 || exits[0].Code != 7 {
		t.Fatalf("child did not reach lockrt.Exit(7): %+v\n%s", exits, stderr)
	}
	leaked := 0
	for _, ev := range kindOf(evs, event.KindLeak) {
		if ev.Proof != "goroutineleak" {
			continue
		}
		for _, g := range strings.Split(ev.Dump, "\n\n") {
			if strings.Contains(g, " (leaked)") && strings.Contains(g, "lockrt.(*Mutex).lockAt") &&
				strings.Contains(g, "leakBehindEndedHolder") {
				leaked++
			}
		}
	}
	if leaked != 2 {
		t.Fatalf("%d goroutines blocked on the Mutex proved leaked, want 2; events:\n%+v\nstderr:\n%s", leaked, evs, stderr)
	}
}

// leakBehindEndedHolder locks a new Mutex in a goroutine that then ends
// holding it, and returns once n other goroutines are blocked locking it.
// Only those goroutines can reach the Mutex afterwards.
func leakBehindEndedHolder(n int) {
	m := new(lockrt.Mutex)
	held := make(chan struct{})
	go func() {
		m.LockAt(lockrt.Pack(1, 1))
		close(held) // ends holding m
	}()
	<-held
	for i := 0; i < n; i++ {
		go func() {
			m.LockAt(lockrt.Pack(1, 2)) // blocks forever
			m.Unlock()
		}()
	}
	// No handshake can tell that a goroutine is parked in Lock: wait for
	// the goroutine dump to show them there.
	for blockedInLock() < n {
		runtime.Gosched()
	}
}

// blockedInLock counts the goroutines parked in a Mutex's Lock.
func blockedInLock() int {
	buf := make([]byte, 1<<20)
	d := string(buf[:runtime.Stack(buf, true)])
	n := 0
	for _, g := range strings.Split(d, "\n\n") {
		if strings.Contains(g, "[sync.Mutex.Lock") && strings.Contains(g, "leakBehindEndedHolder") {
			n++
		}
	}
	return n
}

// TestCreatedSiteOfEndedHolder: a goroutine that ended holding a lock is
// in no goroutine dump, so its record says where it was created, and the
// exit snapshot names that go statement.
func TestCreatedSiteOfEndedHolder(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var m lockrt.Mutex
	id := make(chan int64)
	_, file, line, _ := runtime.Caller(0)
	go func() { m.LockAt(lockrt.Pack(1, 1)); id <- rec.Goid() }() // ends holding m
	g := <-id
	for ended := false; !ended; runtime.Gosched() { // no handshake can tell it has ended
		buf := make([]byte, 1<<20)
		ended = !strings.Contains(string(buf[:runtime.Stack(buf, true)]), fmt.Sprintf("goroutine %d [", g))
	}
	rec.Finish()
	snaps := kindOf(rec.Events(t), event.KindSnapshot)
	if len(snaps) == 0 {
		t.Fatal("no exit snapshot")
	}
	for _, gr := range snaps[len(snaps)-1].Goroutines {
		if gr.ID != g {
			continue
		}
		if c := gr.Created; c == nil || c.File != file || c.Line != line+1 || !strings.HasSuffix(c.Func, "TestCreatedSiteOfEndedHolder") {
			t.Fatalf("ended holder %d created at %+v, want %s:%d", g, c, file, line+1)
		}
		return
	}
	t.Fatalf("exit snapshot lacks the ended holder %d: %+v", g, snaps[len(snaps)-1].Goroutines)
}

// TestTablesKeepNoLockReachable: once nothing of the program refers to a
// lock, the runtime's tables do not keep it alive, even while a held list
// still names it (its goroutine ended holding it) or a goroutine waited for
// it. The leak profile depends on this (TestLeakProvedThroughLock); this
// test needs no leak profile.
func TestTablesKeepNoLockReachable(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	w := abandonHeldLock()
	for i := 0; i < 20 && w.Value() != nil; i++ {
		runtime.GC()
		runtime.Gosched() // let the holder goroutine finish ending
	}
	if w.Value() != nil {
		t.Fatal("a lock no goroutine can reach is still alive: the runtime's tables keep it")
	}
	reuse := make([]*lockrt.Mutex, 1000) // likely to take the freed lock's memory
	for i := range reuse {
		reuse[i] = new(lockrt.Mutex)
		reuse[i].LockAt(lockrt.Pack(4, 4))
		reuse[i].Unlock()
	}
	rec.Finish() // the exit snapshot describes the held list that names the freed lock
	evs := rec.Events(t)
	edges := kindOf(evs, event.KindEdge)
	snaps := kindOf(evs, event.KindSnapshot)
	if len(edges) == 0 || len(snaps) == 0 {
		t.Fatalf("want an edge and an exit snapshot: %d, %d", len(edges), len(snaps))
	}
	inst := edges[0].Held[0].Inst
	for _, g := range snaps[len(snaps)-1].Goroutines {
		for _, l := range g.Held {
			if l.Inst == inst && l.Class == 1 && l.Site == 3 {
				return
			}
		}
	}
	t.Fatalf("the exit snapshot lost the freed lock %d held by the ended goroutine: %+v", inst, snaps[len(snaps)-1].Goroutines)
}

// abandonHeldLock locks a new Mutex in a goroutine that ends holding it,
// once an event (an edge) has described it, and returns a weak pointer to
// it.
func abandonHeldLock() weak.Pointer[lockrt.Mutex] {
	m := new(lockrt.Mutex)
	w := weak.Make(m)
	m.LockAt(lockrt.Pack(1, 1)) // identified, and described by the edge below
	var n lockrt.Mutex
	n.LockAt(lockrt.Pack(2, 2))
	n.Unlock()
	m.Unlock()
	held := make(chan struct{})
	go func() {
		m.LockAt(lockrt.Pack(1, 3))
		close(held) // ends holding m
	}()
	<-held
	return w
}
