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
	for i := 0; i < 200; i++ { // hold samples: one in 64 per slot
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
