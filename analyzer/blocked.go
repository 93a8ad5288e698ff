package analyzer

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/gtrace"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// traceMemo is a process's execution trace summary, read once.
type traceMemo struct {
	sum  *gtrace.Summary
	warn string // what reading it lost or why it failed; "" if nothing
}

// traceOf returns the summary of pr's execution trace, or nil when it has
// none or it cannot be read (traceWarning says why).
func (p *pass) traceOf(pr *proc) *gtrace.Summary {
	return p.traces.of(pr.Process).sum
}

// traces are the processes' trace summaries, read once per Analyze: the
// per-run passes of explore.go share them.
type traces map[*tracer.Process]*traceMemo

func (t traces) of(proc *tracer.Process) *traceMemo {
	m := t[proc]
	if m == nil {
		m = &traceMemo{}
		t[proc] = m
		if proc.TracePath != "" {
			sum, err := gtrace.ReadFile(proc.TracePath)
			switch {
			case errors.Is(err, fs.ErrNotExist):
			case err != nil:
				m.warn = err.Error()
			default:
				m.sum, m.warn = withoutExploration(sum), sum.Warning
			}
		}
	}
	return m
}

// traceWarning says what was lost reading pr's trace, or "".
func (p *pass) traceWarning(pr *proc) string {
	return p.traces.of(pr.Process).warn
}

// runForever reports goroutines still blocked when a process ended or was
// stopped, grouped by blocking stack.
func runForever(p *pass, deps results) ([]findings.Finding, any, error) {
	explained := deps[mixedCheck].(mixedExplained)
	var out []findings.Finding
	for _, pr := range p.Model.Procs {
		if w := p.traceWarning(pr); w != "" {
			p.Warn("%s: %s", pr.Label(), w)
		}
		// The goroutines of a mixed deadlock among those parked at exit
		// are reported by the mixed-deadlock check, not as blocked
		// forever on their own (leakmixed.go).
		inMixed := explained[pr.Index]
		leaks, covered := p.leakFindings(pr, inMixed) // leakproof.go
		out = append(out, leaks...)
		for id := range inMixed {
			covered[id] = true
		}
		gs, from := p.endBlocked(pr)
		explained := selfDeadlocked(pr)
		groups := map[string][]blockedG{}
		var keys []string
		for _, g := range gs {
			if explained[g.ID] || covered[g.ID] {
				continue // the double-lock or leak finding says why
			}
			k := g.Reason + "\x00" + stackKey(trim(g.Stack))
			if groups[k] == nil {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], g)
		}
		for _, k := range keys {
			out = append(out, p.foreverFinding(pr, groups[k], from))
		}
	}
	return out, nil, nil
}

// selfDeadlocked names the goroutines a double-lock event explains.
func selfDeadlocked(pr *proc) map[int64]bool {
	ids := map[int64]bool{}
	for _, ev := range pr.Misuse {
		if ev.Kind == event.KindDoubleLock {
			ids[ev.Goroutine] = true
		}
		if ev.Kind == event.KindDeadlock { // deadlock.go
			for _, g := range ev.Goroutines {
				ids[g.ID] = true
			}
		}
	}
	return ids
}

// stackKey identifies a trimmed stack by its functions and lines.
func stackKey(fs []findings.Frame) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s:%d;", f.Func, f.Line)
	}
	return b.String()
}

func (p *pass) foreverFinding(pr *proc, gs []blockedG, from string) findings.Finding {
	g := gs[0]
	stack := trim(g.Stack)
	key := p.keyFrame(stack)
	what := g.Reason
	var locks []string
	if g.Reason == gtrace.ReasonLock && g.Lock != nil {
		name := pr.ClassName(*g.Lock)
		locks = []string{name}
		what = "lock " + name
	}
	end := "when it exited"
	if pr.Process.TimedOut {
		end = "when lockscope stopped it at its deadline"
	}
	n := fmt.Sprintf("%d goroutines", len(gs))
	if len(gs) == 1 {
		n = "1 goroutine"
	}
	msg := fmt.Sprintf("%s of %s %s blocked on %s in %s %s", n, pr.Label(), verbWas(len(gs)), what, location(key), end)
	if g.Wait != "" {
		msg += ", " + g.Wait
	}
	msg += fmt.Sprintf(" (from the %s).", from)
	if g.Created.Func != "" {
		msg += fmt.Sprintf(" Created at %s.", location(g.Created))
	}
	sev, title := findings.Error, fmt.Sprintf("%s blocked forever on %s in %s", n, what, findings.ShortFunc(key.Func))
	if g.Reason == gtrace.ReasonSelect && !pr.Process.TimedOut {
		// A select parked at a normal exit is as often a background loop
		// on a ticker that nobody stopped as a goroutine that can never
		// go on; say so, and do not fail the run over it.
		sev = findings.Warning
		title = fmt.Sprintf("%s still parked in select in %s at exit", n, findings.ShortFunc(key.Func))
		msg += " It was never stopped: if one of the select's cases is a ticker or timer, it is a background loop nobody shut down; if none can ever be ready, it is blocked forever. Either way it outlived its work."
	} else {
		msg += " " + foreverHint(g.Reason)
	}
	var evs []findings.Evidence
	for i, b := range gs {
		if i == maxListed {
			break
		}
		role := fmt.Sprintf("goroutine %d blocked on %s %s", b.ID, what, b.Wait)
		if b.Created.Func != "" {
			role += ", created at " + location(b.Created)
		}
		evs = append(evs, findings.Evidence{Role: strings.TrimSpace(role), Goroutine: b.ID, Stack: stack})
	}
	if locks == nil {
		locks = []string{}
	}
	return findings.Finding{
		ID:   findings.Fingerprint(findings.KindBlockedForever, append([]string{g.Reason}, locks...), []string{stackFunc(key), stackFunc(g.Created), pr.Process.Package}),
		Kind: findings.KindBlockedForever, Severity: sev, Confidence: findings.Observed, Package: pr.Process.Package,
		Title:    title,
		Message:  msg,
		Locks:    locks,
		Evidence: evs,
		Advice:   foreverAdvice(g.Reason, key),
	}
}

func verbWas(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// foreverHint explains what a goroutine blocked for reason waits for.
func foreverHint(reason string) string {
	switch reason {
	case gtrace.ReasonSend:
		return "No goroutine will ever receive from that channel: a leak."
	case gtrace.ReasonRecv:
		return "No goroutine will ever send on or close that channel: a leak."
	case gtrace.ReasonSelect:
		return "None of the select's cases can ever proceed."
	case gtrace.ReasonNil:
		return "An operation on a nil channel, or an empty select, blocks forever by definition."
	case gtrace.ReasonWaitGroup:
		return "The WaitGroup's counter never reached zero: more Add than Done."
	case gtrace.ReasonCond:
		return "Nothing signalled the Cond after this Wait."
	}
	return "Nothing released what it waits for."
}

func foreverAdvice(reason string, at findings.Frame) string {
	where := location(at)
	switch reason {
	case gtrace.ReasonSend, gtrace.ReasonRecv, gtrace.ReasonSelect:
		return fmt.Sprintf("Give the channel operation in %s a way out: a buffered channel sized for every sender when the receiver may leave early, a select on ctx.Done() or a done channel, or close the channel when the producer is finished.", where)
	case gtrace.ReasonWaitGroup:
		return fmt.Sprintf("Make every WaitGroup.Add match one Done: call Add(1) right before each go statement (or Add(n) with n counted from what is actually started), and defer Done at the top of the goroutine; %s waits for a Done that never comes.", where)
	case gtrace.ReasonCond:
		return fmt.Sprintf("Wait on a Cond in a loop that rechecks the condition, and Signal or Broadcast after every change of it; make sure the goroutine in %s can be woken at shutdown.", where)
	case gtrace.ReasonNil:
		return fmt.Sprintf("Initialise the channel used in %s (make) before using it, or drop the empty select.", where)
	}
	return fmt.Sprintf("Find who should release what %s waits for: a missing Unlock, or a holder that is itself blocked (see the hang or mixed-deadlock findings).", where)
}
