package analyzer

import (
	"fmt"
	"sort"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/analyzer/internal/gtrace"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// Mixed deadlocks among the goroutines parked at an orderly exit: one
// parked on a channel, select, WaitGroup or Cond while holding a lock that
// another parked goroutine waits for. Neither can ever go on, so this is
// one observed mixed-deadlock, not two blocked-forever findings. (A target
// stopped at its deadline is diagnosed by the hang and mixed-deadlock
// checks from its signal snapshot instead.)

// parkedMixed is one such pair.
type parkedMixed struct {
	holder, waiter gotext.Stack
	lock           event.Lock // as the holder holds it
}

// exitMixed finds the mixed deadlocks of pr's exit snapshot.
func exitMixed(pr *proc) []parkedMixed {
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
	stacks := gotext.StackByID(gotext.ParseDump(snap.Dump))
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
func parkedOnComm(s *gotext.Stack) bool {
	switch dumpReason(s.State, s.Frames) {
	case gtrace.ReasonSend, gtrace.ReasonRecv, gtrace.ReasonSelect, gtrace.ReasonNil,
		gtrace.ReasonWaitGroup, gtrace.ReasonCond:
		return true
	}
	return false
}

// mixedFindings turns pr's exit mixed deadlocks into findings, naming the
// test from the leak events when there is one, and returns the goroutine
// IDs they explain. A holder the mixed-deadlock check already described
// with its whole wait-for chain (holders) gets no second finding: one bug,
// one finding.
func (p *pass) mixedFindings(pr *proc, holders chainHolders) ([]findings.Finding, map[int64]bool) {
	covered := map[int64]bool{}
	test := leakTests(pr)
	var out []findings.Finding
	for _, m := range exitMixed(pr) {
		covered[m.holder.ID], covered[m.waiter.ID] = true, true
		if holders[procGoroutine{pr.Index, m.holder.ID}] {
			continue
		}
		out = append(out, p.exitMixedFinding(pr, m, test[m.holder.ID]))
	}
	return out, covered
}

// leakTests maps the goroutines of pr's leak events to the test that
// started them.
func leakTests(pr *proc) map[int64]string {
	test := map[int64]string{}
	gs, _ := leakedGs(pr)
	for _, g := range gs {
		test[g.ID] = g.test
	}
	return test
}

func (p *pass) exitMixedFinding(pr *proc, m parkedMixed, test string) findings.Finding {
	hk, wk := p.keyFrame(trim(m.holder.Frames)), p.keyFrame(trim(m.waiter.Frames))
	reason := dumpReason(m.holder.State, m.holder.Frames)
	name := pr.ClassName(m.lock)
	who := pr.Label()
	if test != "" {
		who = test
	}
	msg := fmt.Sprintf("When %s exited, goroutine %d was blocked on %s in %s while holding %s, and goroutine %d was waiting for %s in %s. "+
		"Whatever would unblock the first (a receiver, a sender, a Done or a Signal) cannot come from the second, which needs the lock first: neither can ever go on.",
		pr.Label(), m.holder.ID, reason, location(hk), name, m.waiter.ID, name, location(wk))
	if test != "" {
		msg += fmt.Sprintf(" The goroutines were started by test %s.", test)
	}
	return findings.Finding{
		ID:   findings.Fingerprint(findings.KindMixedDeadlock, []string{name, "test=" + test}, []string{stackFunc(hk), stackFunc(wk), pr.Process.Package}),
		Kind: findings.KindMixedDeadlock, Severity: findings.Error, Confidence: findings.Observed, Package: pr.Process.Package, Test: test,
		Title:   fmt.Sprintf("Mixed deadlock in %s: %s blocks on %s holding %s, which %s waits for", who, findings.ShortFunc(hk.Func), reason, name, findings.ShortFunc(wk.Func)),
		Message: msg,
		Locks:   []string{name},
		Evidence: []findings.Evidence{
			{Role: fmt.Sprintf("goroutine %d blocked on %s holding %s", m.holder.ID, reason, name), Goroutine: m.holder.ID, Stack: trim(m.holder.Frames)},
			{Role: fmt.Sprintf("goroutine %d waiting for %s", m.waiter.ID, name), Goroutine: m.waiter.ID, Stack: trim(m.waiter.Frames)},
		},
		Advice: fmt.Sprintf("Release %s before the blocking operation in %s: copy what it needs under the lock, unlock, then block; or make the operation non-blocking (a buffered channel, select with a default or a context).", name, location(hk)),
	}
}
