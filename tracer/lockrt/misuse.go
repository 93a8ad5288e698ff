package lockrt

import (
	"fmt"
	"os"

	"github.com/lockscope/lockscope/tracer/event"
)

// doubleLock reports a goroutine that locked what it already holds, with
// stk, the stack of that Lock call, once the watchdog is certain that no
// other goroutine can unlock it. The goroutine blocks forever, so unless
// self-deadlocks are let through the process says so on stderr, writes the
// exit snapshot and exits with status 3.
func (r *recorder) doubleLock(a *acq, stk []event.Frame) {
	r.emit(&event.Event{Kind: event.KindDoubleLock, Goroutine: a.g,
		Held: locksOf(a.held), Acq: a.acqLock(), Stack: stk},
		append(refsOf(nil, []gstate{{held: a.held}}), refOf(a.st))...)
	if r.block {
		return
	}
	fmt.Fprintf(os.Stderr, "lockscope: goroutine %d locks a mutex it already holds, and no other goroutine can unlock it (double lock); exiting with status 3\n", a.g)
	r.finish(3)
	os.Exit(3)
}

// recursiveRLock reports a read lock of an instance already read-held, once
// per pair of sites and goroutine: the analyzer excuses a recursion whose
// first hold was handed off, so one excused goroutine must not hide
// another's real recursion at the same sites.
func (r *recorder) recursiveRLock(a *acq) {
	first := int32(0)
	for i := range a.held {
		if a.held[i].is(a.st) {
			first = a.held[i].site
			break
		}
	}
	k := mix(mix(mix(0x7265637572, uint64(uint32(first))), uint64(uint32(a.site))), uint64(a.g))
	c, isNew, full := r.once.add(k)
	if c < 0 && full {
		r.overflowed(event.OverflowMisuse)
	}
	if !isNew {
		return
	}
	r.emit(&event.Event{Kind: event.KindRecursiveRLock, Goroutine: a.g,
		Held: locksOf(a.held), Acq: a.acqLock(), Stack: stack()},
		append(refsOf(nil, []gstate{{held: a.held}}), refOf(a.st))...)
}

// unlockOfUnlocked reports an Unlock or RUnlock of a lock that is not held,
// before the real call makes the Go runtime end the process.
func (r *recorder) unlockOfUnlocked(st *state, read bool) {
	_ = r.ensure(st, 0, 0) // a lock never acquired is named after this call
	l := event.Lock{Class: st.class, Inst: st.id.Load(), Mode: event.Write}
	if read {
		l.Mode = event.Read
	}
	r.emit(&event.Event{Kind: event.KindUnlockOfUnlocked, Goroutine: r.goid(),
		Acq: &l, Stack: stack()}, refOf(st))
}

// sayDepth reports, once, a held list deeper than maxHeld.
func (r *recorder) sayDepth() {
	if r.saidDepth.CompareAndSwap(false, true) {
		r.overflowed(event.OverflowHeldDepth)
	}
}
