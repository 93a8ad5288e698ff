package lockrt

import (
	"runtime"
	"testing"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
)

// TestDeadlockFoundWhenItForms: an AB-BA deadlock and a read lock queued
// behind a waiting writer are written as KindDeadlock within a second of
// forming, with every goroutine of the cycle; the test then breaks them
// by unlocking from another goroutine, as Go allows.
func TestDeadlockFoundWhenItForms(t *testing.T) {
	t.Run("AB-BA", func(t *testing.T) {
		x := StartRecording(t, false)
		watch(t, x)
		var a, b Mutex
		ready, both := make(chan bool), make(chan bool)
		done := make(chan bool, 2)
		// Each keeps its first lock: the test releases them to break the cycle.
		go func() {
			a.LockAt(Pack(1, 1))
			ready <- true
			<-both
			b.LockAt(Pack(2, 2))
			b.Unlock()
			done <- true
		}()
		go func() {
			b.LockAt(Pack(2, 3))
			ready <- true
			<-both
			a.LockAt(Pack(1, 4))
			a.Unlock()
			done <- true
		}()
		<-ready
		<-ready
		close(both)
		ev := waitDeadlock(t, x)
		if len(ev.Goroutines) != 2 || ev.Goroutines[0].Waiting == nil || len(ev.Goroutines[0].Held) != 1 {
			t.Errorf("cycle %+v, want two goroutines each holding one lock and waiting for the other", ev.Goroutines)
		}
		a.Unlock() // break it: a handoff
		<-done
		b.Unlock()
		<-done
	})
	t.Run("RLock behind a waiting writer", func(t *testing.T) {
		x := StartRecording(t, false)
		watch(t, x)
		var rw RWMutex
		var mu Mutex
		held, proceed, locked := make(chan bool), make(chan bool), make(chan bool)
		done := make(chan bool, 3)
		// g1 read-holds rw and waits for mu; g2 holds mu and read-locks rw
		// again, behind g3, a writer waiting for g1's read lock.
		go func() {
			rw.RLockAt(Pack(3, 5))
			held <- true
			<-proceed
			mu.LockAt(Pack(4, 6))
			mu.Unlock()
			rw.RUnlock()
			done <- true
		}()
		<-held
		go func() { rw.LockAt(Pack(3, 7)); rw.Unlock(); done <- true }()
		x.WaitFor(1)
		// The writer records its wait before sync.RWMutex announces it to
		// readers; until then a new RLock would get in. A failing TryRLock
		// while g1 read-holds rw means the writer is queued.
		for rw.mu.TryRLock() {
			rw.mu.RUnlock()
			runtime.Gosched()
		}
		go func() {
			mu.LockAt(Pack(4, 8))
			locked <- true
			rw.RLockAt(Pack(3, 9))
			rw.RUnlock()
			done <- true // keeps mu: the test released it
		}()
		<-locked
		close(proceed)
		ev := waitDeadlock(t, x)
		if len(ev.Goroutines) != 3 {
			t.Errorf("cycle of %d goroutines, want 3 (reader, writer, second reader): %+v", len(ev.Goroutines), ev.Goroutines)
		}
		mu.Unlock() // break it
		for i := 0; i < 3; i++ {
			<-done
		}
	})
}

// watch runs the detector on x's recorder, letting deadlocks block, until
// the test ends.
func watch(t *testing.T, x *Rec) {
	x.r.block = true
	quit, done := make(chan struct{}), make(chan struct{})
	go x.r.deadlockLoop(quit, done)
	t.Cleanup(func() { close(quit); <-done }) // before the recording stops
}

func waitDeadlock(t *testing.T, x *Rec) event.Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, ev := range x.Events(t) {
			if ev.Kind == event.KindDeadlock {
				return ev
			}
		}
		time.Sleep(20 * time.Millisecond) // polls for the detector's verdict, which takes its settle and confirm delays
	}
	t.Fatal("no deadlock event within 5s")
	return event.Event{}
}

// BenchmarkDeadlockToVerdict measures how long after an AB-BA deadlock
// forms (the second goroutine starts waiting) its KindDeadlock is written:
// the detector's settle and confirm delays plus its table reads. Run it
// with a small -benchtime such as 5x.
func BenchmarkDeadlockToVerdict(b *testing.B) {
	x := StartRecording(b, false)
	x.r.block = true
	quit, done := make(chan struct{}), make(chan struct{})
	go x.r.deadlockLoop(quit, done)
	b.Cleanup(func() { close(quit); <-done })
	seen := 0
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		var m1, m2 Mutex
		ready, both := make(chan bool), make(chan bool)
		fin := make(chan bool, 2)
		go func() {
			m1.LockAt(Pack(1, 1))
			ready <- true
			<-both
			m2.LockAt(Pack(2, 2))
			m2.Unlock()
			fin <- true
		}()
		go func() {
			m2.LockAt(Pack(2, 3))
			ready <- true
			<-both
			m1.LockAt(Pack(1, 4))
			m1.Unlock()
			fin <- true
		}()
		<-ready
		<-ready
		close(both)
		x.WaitFor(2) // formed
		b.StartTimer()
		for {
			n := 0
			for _, ev := range x.Events(b) {
				if ev.Kind == event.KindDeadlock {
					n++
				}
			}
			if n > seen {
				seen = n
				break
			}
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		m1.Unlock()
		<-fin
		m2.Unlock()
		<-fin
	}
}
