package analyzer

import (
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// Lock deadlocks the lock runtime found when they formed (KindDeadlock):
// goroutines waiting for each other's instrumented locks. Each is an
// observed hang with the whole cycle, reported although the target never
// reached lockscope's deadline (the runtime stopped it at once).

// runHangOrDeadlock is the hang check: the hangs found at the deadline
// (hang.go) and the lock deadlocks found when they formed.
func runHangOrDeadlock(p *pass) ([]findings.Finding, error) {
	out, err := runHang(p)
	if err != nil {
		return nil, err
	}
	for _, pr := range p.Model.Procs {
		for _, ev := range pr.Misuse {
			if ev.Kind == event.KindDeadlock && len(ev.Goroutines) > 0 {
				out = append(out, p.deadlockFinding(pr, ev))
			}
		}
	}
	return out, nil
}

// deadlockFinding is the hang finding of the cycle in ev, as hang.go
// words it for a cycle seen at the deadline, with its timeline.
func (p *pass) deadlockFinding(pr *proc, ev *event.Event) findings.Finding {
	h := &hang{p: p, pr: pr, w: newWaitFor(pr, ev), stack: gotext.ParseDump(ev.Dump)}
	h.dump = gotext.StackByID(h.stack)
	cyc := h.w.cycle()
	if cyc == nil { // the runtime's cycle goes through a queued writer
		for _, g := range ev.Goroutines {
			cyc = append(cyc, g.ID)
		}
	}
	f := h.cycleFinding(cyc)
	const atDeadline = "stopped making progress and was stopped at its deadline. The lock snapshot shows"
	if strings.Contains(f.Message, atDeadline) {
		f.Message = strings.Replace(f.Message, atDeadline, "deadlocked: the lock runtime found", 1)
	}
	f.Message += " The cycle was found when it formed, and the target was stopped then."
	f.Kind, f.Severity, f.Confidence, f.Package = findings.KindHang, findings.Error, findings.Observed, pr.Process.Package
	f.Timeline = p.newTimeline(pr, h.w, cyc, cyc)
	return f
}
