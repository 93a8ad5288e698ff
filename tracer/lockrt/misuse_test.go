package lockrt_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/lockrt"
)

// childEnv selects what a re-executed test binary does.
const childEnv = "LOCKRT_TEST_CHILD"

// child runs the test named test in a new process of this test binary with
// recording on through LOCKSCOPE_EVENTS, and returns its events, stderr and
// exit code.
func child(t *testing.T, test, mode string, env ...string) ([]event.Event, string, int) {
	t.Helper()
	return runChild(t, exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1"), mode, env...)
}

// runChild runs cmd, a test of this package, as child does.
func runChild(t *testing.T, cmd *exec.Cmd, mode string, env ...string) ([]event.Event, string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.jsonl")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, "LOCKSCOPE_EVENTS="+path)
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("child wrote no log: %v; stderr:\n%s", err, stderr.String())
	}
	defer f.Close()
	evs, _, err := event.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return evs, stderr.String(), code
}

func TestUnlockOfUnlocked(t *testing.T) {
	switch os.Getenv(childEnv) {
	case "mutex":
		var m lockrt.Mutex
		m.LockAt(lockrt.Pack(1, 1))
		m.Unlock()
		m.Unlock()
		return
	case "rwmutex":
		var rw lockrt.RWMutex
		rw.RUnlock()
		return
	case "rwmutex-used":
		var rw lockrt.RWMutex
		rw.RLockAt(lockrt.Pack(1, 1))
		rw.RLockAt(lockrt.Pack(1, 1))
		rw.RUnlock()
		rw.RUnlock()
		rw.RUnlock()
		return
	case "rwmutex-deep": // read holds past the held depth are released, then one too many
		ms := make([]lockrt.Mutex, 16)
		for i := range ms {
			ms[i].LockAt(lockrt.Pack(int32(i+2), 1))
		}
		var rw lockrt.RWMutex
		rw.RLockAt(lockrt.Pack(1, 1))
		rw.RLockAt(lockrt.Pack(1, 1))
		rw.RUnlock()
		done := make(chan struct{})
		go func() { rw.RUnlock(); close(done) }()
		<-done
		rw.RUnlock()
		return
	}
	for _, tc := range []struct{ mode, fatal string }{
		{"mutex", "fatal error: sync: unlock of unlocked mutex"},
		{"rwmutex", "fatal error: sync: RUnlock of unlocked RWMutex"},
		{"rwmutex-used", "fatal error: sync: RUnlock of unlocked RWMutex"},
		{"rwmutex-deep", "fatal error: sync: RUnlock of unlocked RWMutex"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			evs, stderr, code := child(t, "TestUnlockOfUnlocked", tc.mode)
			if code == 0 || !strings.Contains(stderr, tc.fatal) {
				t.Errorf("child should die with %q; exit %d, stderr:\n%s", tc.fatal, code, stderr)
			}
			if len(evs) == 0 || evs[0].Kind != event.KindStart {
				t.Fatalf("log should open with a start event: %+v", evs)
			}
			us := kindOf(evs, event.KindUnlockOfUnlocked)
			if len(us) != 1 || us[0].Acq == nil || len(us[0].Stack) == 0 ||
				!strings.Contains(us[0].Stack[0].Func, "TestUnlockOfUnlocked") {
				t.Fatalf("want one unlock-of-unlocked event with the test's stack, got %+v", us)
			}
			if strings.HasPrefix(tc.mode, "rwmutex") && us[0].Acq.Mode != event.Read {
				t.Errorf("RUnlock should be recorded in read mode: %+v", us[0].Acq)
			}
		})
	}
}

func TestDoubleLockExits(t *testing.T) {
	switch os.Getenv(childEnv) {
	case "mutex":
		var m lockrt.Mutex
		m.LockAt(lockrt.Pack(1, 1))
		m.LockAt(lockrt.Pack(1, 2))
		return
	case "rlock-after-lock":
		var rw lockrt.RWMutex
		rw.LockAt(lockrt.Pack(1, 1))
		rw.RLockAt(lockrt.Pack(1, 2))
		return
	}
	for _, mode := range []string{"mutex", "rlock-after-lock"} {
		t.Run(mode, func(t *testing.T) {
			evs, stderr, code := child(t, "TestDoubleLockExits", mode)
			if code != 3 || !strings.Contains(stderr, "double lock") {
				t.Errorf("want exit 3 and a message; exit %d, stderr:\n%s", code, stderr)
			}
			ds := kindOf(evs, event.KindDoubleLock)
			if len(ds) != 1 || len(ds[0].Held) != 1 || ds[0].Held[0].Site != 1 || ds[0].Acq.Site != 2 ||
				len(ds[0].Stack) == 0 || !strings.Contains(ds[0].Stack[0].Func, "TestDoubleLockExits") {
				t.Fatalf("want one double-lock event, got %+v", ds)
			}
			snaps := kindOf(evs, event.KindSnapshot)
			exits := kindOf(evs, event.KindExit)
			if len(snaps) != 1 || snaps[0].Reason != "exit" || len(exits) != 1 || exits[0].Code != 3 {
				t.Errorf("want an exit snapshot and exit code 3: %+v %+v", snaps, exits)
			}
			if len(snaps) == 1 && !holds(snaps[0], ds[0].Goroutine, ds[0].Held[0].Inst) {
				t.Errorf("exit snapshot should show goroutine %d holding the lock: %+v", ds[0].Goroutine, snaps[0].Goroutines)
			}
		})
	}
}

// holds reports whether snapshot ev shows goroutine g holding instance inst.
func holds(ev event.Event, g, inst int64) bool {
	for _, gr := range ev.Goroutines {
		for _, l := range gr.Held {
			if gr.ID == g && l.Inst == inst {
				return true
			}
		}
	}
	return false
}

func TestMainAndExit(t *testing.T) {
	if os.Getenv(childEnv) == "exit" {
		var m lockrt.Mutex
		lockrt.Main(func() { m.LockAt(lockrt.Pack(1, 1)) }) // leaked
		lockrt.Exit(7)
	}
	evs, _, code := child(t, "TestMainAndExit", "exit")
	if code != 7 {
		t.Errorf("exit code %d, want 7", code)
	}
	exits := kindOf(evs, event.KindExit)
	snaps := kindOf(evs, event.KindSnapshot)
	if len(exits) != 2 || exits[0].Code != 0 || exits[1].Code != 7 || len(snaps) != 2 {
		t.Fatalf("want Main's exit (0) then Exit's (7), each after a snapshot: %+v", exits)
	}
	if len(snaps[1].Goroutines) != 1 || len(snaps[1].Goroutines[0].Held) != 1 || !strings.Contains(snaps[1].Dump, "goroutine ") {
		t.Errorf("exit snapshot should show the leaked lock and a dump: %+v", snaps[1].Goroutines)
	}
}
