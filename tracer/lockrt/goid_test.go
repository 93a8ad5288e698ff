package lockrt_test

import (
	"runtime"
	"sync"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/lockrt"
)

func TestGoidDiscoveryAgreesWithStack(t *testing.T) {
	off := lockrt.GoidOffset()
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		if off != 0 {
			t.Fatalf("no assembly reader on %s, yet offset %d", runtime.GOARCH, off)
		}
		return
	}
	if off == 0 {
		t.Fatal("goid offset not discovered")
	}
	if again := lockrt.DiscoverNow(); again != off {
		t.Fatalf("rediscovery found %d, first found %d", again, off)
	}
	var wg sync.WaitGroup
	ids := make([]int64, 200)
	bad := make(chan [2]int64, len(ids))
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.Gosched() // let goroutines migrate between threads
			ids[i] = lockrt.StackGoid()
			if got := lockrt.Gword(off); got != ids[i] {
				bad <- [2]int64{got, ids[i]}
			}
			if got := lockrt.FastGoid(); got != ids[i] {
				bad <- [2]int64{got, ids[i]}
			}
		}()
	}
	wg.Wait()
	close(bad)
	for b := range bad {
		t.Errorf("g word says %d, runtime.Stack says %d", b[0], b[1])
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if id == 0 || seen[id] {
			t.Fatalf("goroutine IDs should be distinct and nonzero: %v", ids)
		}
		seen[id] = true
	}
}

func TestParseGoid(t *testing.T) {
	for in, want := range map[string]int64{
		"goroutine 1 [running]:":   1,
		"goroutine 4711 [chan":     4711,
		"goroutine 12":             0,
		"goroutine x [running]:":   0,
		"gorout":                   0,
		"Goroutine 5 [running]:\n": 0,
	} {
		if got := lockrt.ParseGoid([]byte(in)); got != want {
			t.Errorf("ParseGoid(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestGoidModeInStartEvent(t *testing.T) {
	for _, tc := range []struct {
		stack bool
		want  string
	}{{true, "stack"}, {false, "asm"}} {
		if !tc.stack && lockrt.GoidOffset() == 0 {
			continue
		}
		rec := lockrt.StartRecording(t, tc.stack)
		evs := rec.Events(t)
		if len(evs) == 0 || evs[0].Kind != event.KindStart || evs[0].GoidMode != tc.want ||
			evs[0].PID == 0 || evs[0].GoVersion != runtime.Version() {
			t.Errorf("start event %+v, want goid mode %q", evs, tc.want)
		}
	}
}
