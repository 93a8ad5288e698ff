package lockrt_test

import (
	"strings"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/lockrt"
)

// checkHolderWaiter wants one goroutine holding site 1 and one waiting at
// site 2 for the same instance, both in the dump.
func checkHolderWaiter(t *testing.T, ev event.Event) {
	t.Helper()
	var holder, waiter *event.Goroutine
	for i, g := range ev.Goroutines {
		if len(g.Held) == 1 && g.Held[0].Site == 1 {
			holder = &ev.Goroutines[i]
		}
		if g.Waiting != nil && g.Waiting.Site == 2 {
			waiter = &ev.Goroutines[i]
		}
	}
	if holder == nil || waiter == nil {
		t.Fatalf("want a holder and a waiter: %+v", ev.Goroutines)
	}
	if holder.Held[0].Inst != waiter.Waiting.Inst || waiter.Waiting.Since == 0 || holder.ID == waiter.ID {
		t.Errorf("holder %+v and waiter %+v", holder, waiter)
	}
	for _, id := range []int64{holder.ID, waiter.ID} {
		if !strings.Contains(ev.Dump, "goroutine "+itoa(id)+" [") {
			t.Errorf("dump lacks goroutine %d", id)
		}
	}
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func TestContentionStats(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var m lockrt.Mutex
	m.LockAt(lockrt.Pack(9, 1))
	done := make(chan struct{})
	go func() {
		m.LockAt(lockrt.Pack(9, 2))
		m.Unlock()
		close(done)
	}()
	rec.WaitFor(1)
	m.Unlock()
	<-done
	for range 4 * lockrt.SampleEvery() { // hold samples: one in SampleEvery per slot
		m.LockAt(lockrt.Pack(9, 3))
		m.Unlock()
	}
	rec.Finish()
	stats := kindOf(rec.Events(t), event.KindStats)
	if len(stats) == 0 {
		t.Fatal("no stats event")
	}
	last := stats[len(stats)-1].Stats
	if len(last) != 1 || last[0].Class != 9 || last[0].Contended != 1 || last[0].WaitNs <= 0 ||
		last[0].MaxWaitNs != last[0].WaitNs || last[0].HoldSamples < 3 || last[0].MaxHoldSite == 0 {
		t.Errorf("stats %+v", last)
	}
}

// TestSamplingRate: the rate is a power of two within its bounds, the
// environment sets it, and a malformed setting falls back to calibration.
func TestSamplingRate(t *testing.T) {
	defer lockrt.CalibrateSampling("")
	for env, want := range map[string]int{"1": 1, "256": 256, "1024": 1024} {
		lockrt.CalibrateSampling(env)
		if got := lockrt.SampleEvery(); got != want {
			t.Errorf("LOCKSCOPE_SAMPLE_EVERY=%s: one in %d, want %d", env, got, want)
		}
	}
	for _, env := range []string{"", "100", "0", "4096", "x"} {
		lockrt.CalibrateSampling(env)
		if n := lockrt.SampleEvery(); n < 64 || n > 1024 || n&(n-1) != 0 {
			t.Errorf("LOCKSCOPE_SAMPLE_EVERY=%q: one in %d, want a power of two in [64, 1024]", env, n)
		}
	}
}
