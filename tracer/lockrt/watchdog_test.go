package lockrt_test

import (
	"strings"
	"testing"

	"github.com/lockscope/lockscope/tracer/lockrt"
)

// The goroutines of a test binary whose test goroutine 20 double-locks:
// the test runner waits for it, the runtime's signal loop and goroutines
// run, and one goroutine of the target is blocked for good.
const watchBase = `goroutine 20 [sync.Mutex.Lock]:
internal/sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)
	/go/src/runtime/sema.go:95 +0x25
sync.(*Mutex).Lock(...)
	/go/src/sync/mutex.go:46
github.com/lockscope/lockscope/tracer/lockrt.(*Mutex).LockAt(0xc000012345, 0x100000002)
	/rt/mutex.go:40 +0x1d
example.com/app.TestX(0xc0000)
	/mod/app_test.go:12 +0x45
testing.tRunner(0xc0000, 0x5955e0)
	/go/src/testing/testing.go:2036 +0xea
created by testing.(*T).Run in goroutine 1
	/go/src/testing/testing.go:2101 +0x4c5

goroutine 1 [chan receive]:
testing.(*T).Run(0xc0001, {0x58761c?, 0x0?}, 0x5955e0)
	/go/src/testing/testing.go:2109 +0x4e5
testing.runTests.func1(0xc0001)
	/go/src/testing/testing.go:2585 +0x3e
main.main()
	_testmain.go:46 +0x9b

goroutine 5 [syscall]:
os/signal.signal_recv()
	/go/src/runtime/sigqueue.go:152 +0x98
os/signal.loop()
	/go/src/os/signal/signal_unix.go:23 +0x13
created by os/signal.Notify.func1.1 in goroutine 1
	/go/src/os/signal/signal.go:152 +0x1f

goroutine 6 [chan receive]:
github.com/lockscope/lockscope/tracer/lockrt.notifySignal.func1()
	/rt/signal_unix.go:19 +0x34
created by github.com/lockscope/lockscope/tracer/lockrt.notifySignal in goroutine 1
	/rt/signal_unix.go:18 +0x96

goroutine 7 [select]:
github.com/lockscope/lockscope/tracer/lockrt.(*recorder).statsLoop(0xc0002)
	/rt/stats.go:90 +0x34
created by github.com/lockscope/lockscope/tracer/lockrt.start in goroutine 1
	/rt/recorder.go:85 +0x96

goroutine 8 [running]:
github.com/lockscope/lockscope/tracer/lockrt.dump()
	/rt/snapshot.go:30 +0x34
github.com/lockscope/lockscope/tracer/lockrt.(*recorder).watchDouble(0xc0002)
	/rt/watchdog.go:80 +0x34
created by github.com/lockscope/lockscope/tracer/lockrt.(*acq).suspect in goroutine 20
	/rt/watchdog.go:60 +0x96

goroutine 9 [sync.WaitGroup.Wait]:
sync.runtime_SemacquireWaitGroup(0x0?, 0x0?)
	/go/src/runtime/sema.go:114 +0x2e
sync.(*WaitGroup).Wait(0xc0003)
	/go/src/sync/waitgroup.go:206 +0x85
example.com/app.TestX.func1()
	/mod/app_test.go:9 +0x17
created by example.com/app.TestX in goroutine 20
	/mod/app_test.go:8 +0x216
`

func TestWatchdogReadsDump(t *testing.T) {
	other := func(state, fn string) string {
		return "\ngoroutine 30 [" + state + "]:\n" + fn + "(0x1)\n\t/mod/app_test.go:30 +0x1\ncreated by example.com/app.TestX in goroutine 20\n\t/mod/app_test.go:29 +0x1\n"
	}
	for _, tc := range []struct {
		name          string
		dump          string
		parked, stuck bool
	}{
		{"everyone else blocked", watchBase, true, true},
		{"not parked yet", strings.Replace(watchBase, "goroutine 20 [sync.Mutex.Lock]", "goroutine 20 [running]", 1), false, true},
		{"a sleeper may unlock", watchBase + other("sleep", "example.com/app.TestX.func2"), true, false},
		{"a receive may be on a timer", watchBase + other("chan receive", "example.com/app.TestX.func2"), true, false},
		{"a select may have a timer", watchBase + other("select", "example.com/app.TestX.func2"), true, false},
		{"a runnable goroutine", watchBase + other("runnable", "example.com/app.TestX.func2"), true, false},
		{"an I/O wait", watchBase + other("IO wait", "example.com/app.TestX.func2"), true, false},
		{"an unknown state", watchBase + other("GC assist wait", "example.com/app.TestX.func2"), true, false},
		{"a blocked send", watchBase + other("chan send", "example.com/app.TestX.func2"), true, true},
		{"another lock wait", watchBase + other("sync.RWMutex.RLock, 3 minutes", "example.com/app.TestX.func2"), true, true},
		{"a Cond wait", watchBase + other("sync.Cond.Wait", "example.com/app.TestX.func2"), true, true},
		{"a nil-channel receive", watchBase + other("chan receive (nil chan)", "example.com/app.TestX.func2"), true, true},
		{"an empty select", watchBase + other("select (no cases)", "example.com/app.TestX.func2"), true, true},
		{"a Lock started as a goroutine", watchBase + other("running", "github.com/lockscope/lockscope/tracer/lockrt.(*Mutex).Unlock"), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parked, stuck := lockrt.SelfDeadlocked(tc.dump, 20)
			if parked != tc.parked || stuck != tc.stuck {
				t.Errorf("parked, stuck = %v, %v, want %v, %v", parked, stuck, tc.parked, tc.stuck)
			}
		})
	}
}
