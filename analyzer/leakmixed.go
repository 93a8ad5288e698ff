package analyzer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/gtrace"
)

// Mixed deadlocks among the goroutines parked at an orderly exit: one
// parked on a channel, select, WaitGroup or Cond while holding a lock that
// another parked goroutine waits for. Neither can ever go on, so this is
// one observed mixed-deadlock, not two blocked-forever findings. (A target
// stopped at its deadline is diagnosed by the hang and mixed-deadlock
// checks from its signal snapshot instead.)

// parkedMixed is one such pair.
type parkedMixed struct {
	holder, waiter Stack
	lock           event.Lock // as the holder holds it
}

// exitMixed finds the mixed deadlocks of pr's exit snapshot.
func exitMixed(pr *Proc) []parkedMixed {
	if pr.Process.TimedOut {
		return nil
	}
	var snap *event.Event
	for _, s := range pr.Snapshots {
		if s.Reason == "exit" {
			snap = s
		}
	}
	if snap == nil {
		return nil
	}
	stacks := stackByID(ParseDump(snap.Dump))
	heldBy := map[int64]int64{} // instance -> goroutine that holds it
	held := map[int64]event.Lock{}
	for _, g := range snap.Goroutines {
		for _, l := range g.Held {
			heldBy[l.Inst], held[l.Inst] = g.ID, l
		}
	}
	var out []parkedMixed
	for _, g := range snap.Goroutines {
		if g.Waiting == nil {
			continue
		}
		h, ok := heldBy[g.Waiting.Inst]
		hs, ws := stacks[h], stacks[g.ID]
		if !ok || h == g.ID || hs == nil || ws == nil || !parkedOnComm(hs) {
			continue
		}
		out = append(out, parkedMixed{holder: *hs, waiter: *ws, lock: held[g.Waiting.Inst]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].holder.ID < out[j].holder.ID })
	return out
}

// parkedOnComm reports whether s is parked on a channel, select,
// WaitGroup or Cond.
func parkedOnComm(s *Stack) bool {
	switch dumpReason(s.State, s.Frames) {
	case gtrace.ReasonSend, gtrace.ReasonRecv, gtrace.ReasonSelect, gtrace.ReasonNil,
		gtrace.ReasonWaitGroup, gtrace.ReasonCond:
		return true
	}
	return false
}

// mixedFindings turns pr's exit mixed deadlocks into findings, naming the
// test from the leak events when there is one, and returns the goroutine
// IDs they explain.
func (p *Pass) mixedFindings(pr *Proc) ([]Finding, map[int64]bool) {
	covered := map[int64]bool{}
	test := map[int64]string{}
	gs, _ := leakedGs(pr)
	for _, g := range gs {
		test[g.ID] = g.test
	}
	var out []Finding
	for _, m := range exitMixed(pr) {
		covered[m.holder.ID], covered[m.waiter.ID] = true, true
		out = append(out, p.exitMixedFinding(pr, m, test[m.holder.ID]))
	}
	return out, covered
}

func (p *Pass) exitMixedFinding(pr *Proc, m parkedMixed, test string) Finding {
	hk, wk := p.keyFrame(Trim(m.holder.Frames)), p.keyFrame(Trim(m.waiter.Frames))
	reason := dumpReason(m.holder.State, m.holder.Frames)
	name := pr.ClassName(m.lock)
	who := pr.Label()
	if test != "" {
		who = test
	}
	msg := fmt.Sprintf("When %s exited, goroutine %d was blocked on %s in %s while holding %s, and goroutine %d was waiting for %s in %s. "+
		"Whatever would unblock the first (a receiver, a sender, a Done or a Signal) cannot come from the second, which needs the lock first: neither can ever go on.",
		pr.Label(), m.holder.ID, reason, Where(hk), name, m.waiter.ID, name, Where(wk))
	if test != "" {
		msg += fmt.Sprintf(" The goroutines were started by test %s.", test)
	}
	return Finding{
		ID:   fingerprint("mixed-deadlock", []string{name, "test=" + test}, []string{stackFunc(hk), stackFunc(wk), pr.Process.Package}),
		Kind: "mixed-deadlock", Severity: Error, Confidence: Observed, Package: pr.Process.Package, Test: test, exitPair: true,
		Title:   fmt.Sprintf("Mixed deadlock in %s: %s blocks on %s holding %s, which %s waits for", who, shortFunc(hk.Func), reason, name, shortFunc(wk.Func)),
		Message: msg,
		Locks:   []string{name},
		Evidence: []Evidence{
			{Role: fmt.Sprintf("goroutine %d blocked on %s holding %s", m.holder.ID, reason, name), Goroutine: m.holder.ID, Stack: Trim(m.holder.Frames)},
			{Role: fmt.Sprintf("goroutine %d waiting for %s", m.waiter.ID, name), Goroutine: m.waiter.ID, Stack: Trim(m.waiter.Frames)},
		},
		Advice: fmt.Sprintf("Release %s before the blocking operation in %s: copy what it needs under the lock, unlock, then block; or make the operation non-blocking (a buffered channel, select with a default or a context).", name, Where(hk)),
	}
}

// oneMixedDeadlock keeps one finding per observed mixed deadlock. The
// trace-based check (mixed.go) describes the whole wait-for chain of a
// goroutine blocked holding a lock; the exit check here describes it once
// per waiter, with the test that started it. When both saw the same
// holder (same package, goroutine and blocking function), the chain is
// kept, named with the test, and the per-waiter findings go: one bug, one
// finding.
func oneMixedDeadlock(fs []Finding) []Finding {
	type holder struct {
		pkg, fn string
		g       int64
	}
	key := func(f *Finding) (holder, bool) {
		if f.Kind != "mixed-deadlock" || f.Confidence != Observed || len(f.Evidence) == 0 || len(f.Evidence[0].Stack) == 0 {
			return holder{}, false
		}
		e := f.Evidence[0]
		return holder{f.Package, e.Stack[0].Func, e.Goroutine}, true
	}
	chains := map[holder]int{}
	for i := range fs {
		if k, ok := key(&fs[i]); ok && !fs[i].exitPair {
			chains[k] = i
		}
	}
	drop := map[int]bool{}
	for i := range fs {
		k, ok := key(&fs[i])
		if !ok || !fs[i].exitPair {
			continue
		}
		if c, seen := chains[k]; seen {
			if fs[c].Test == "" && fs[i].Test != "" {
				fs[c].Test = fs[i].Test
				fs[c].Title = strings.Replace(fs[c].Title, "Mixed deadlock: ", "Mixed deadlock in "+fs[i].Test+": ", 1)
				fs[c].Message += fmt.Sprintf(" The goroutines were started by test %s.", fs[i].Test)
			}
			drop[i] = true
		}
	}
	out := fs[:0]
	for i, f := range fs {
		if !drop[i] {
			out = append(out, f)
		}
	}
	return out
}
