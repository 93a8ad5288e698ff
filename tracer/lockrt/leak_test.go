package lockrt_test

import (
	"strings"
	"testing"

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
