package analyzer

import (
	"fmt"
	"strings"

	"github.com/lockscope/lockscope/tracer/event"
)

// Lock deadlocks the lock runtime found when they formed (KindDeadlock):
// goroutines waiting for each other's instrumented locks. Each is an
// observed hang with the whole cycle, reported although the target never
// reached lockscope's deadline (the runtime stopped it at once).

// runHangOrDeadlock is the hang check: the hangs found at the deadline
// (hang.go) and the lock deadlocks found when they formed.
func runHangOrDeadlock(p *Pass) ([]Finding, error) {
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

func (p *Pass) deadlockFinding(pr *Proc, ev *event.Event) Finding {
	stacks := stackByID(ParseDump(ev.Dump))
	var steps, locks, funcs []string
	var evs []Evidence
	seen := map[string]bool{}
	for _, g := range ev.Goroutines {
		var held []string
		for _, l := range g.Held {
			held = append(held, pr.InstName(l))
		}
		want := ""
		if g.Waiting != nil {
			want = pr.InstName(*g.Waiting)
			if name := pr.ClassName(*g.Waiting); !seen[name] {
				seen[name] = true
				locks = append(locks, name)
			}
		}
		var stack []Frame
		key := Frame{}
		if s := stacks[g.ID]; s != nil {
			stack = Trim(s.Frames)
			key = p.keyFrame(stack)
		}
		funcs = append(funcs, stackFunc(key))
		step := fmt.Sprintf("goroutine %d holds %s and waits for %s in %s", g.ID, heldList(held), want, Where(key))
		steps = append(steps, step)
		evs = append(evs, Evidence{Role: step, Goroutine: g.ID, Stack: stack})
	}
	n := len(ev.Goroutines)
	return Finding{
		ID:   fingerprint("hang", append([]string{"deadlock"}, locks...), append(funcs, pr.Process.Package)),
		Kind: "hang", Severity: Error, Confidence: Observed, Package: pr.Process.Package,
		Title: fmt.Sprintf("Deadlock: %d goroutines wait for each other's locks (%s)", n, strings.Join(locks, ", ")),
		Message: fmt.Sprintf("%s deadlocked: %s. The lock runtime found the cycle when it formed and stopped the target at once, instead of waiting for the deadline.",
			pr.Label(), strings.Join(steps, "; ")),
		Locks:    locks,
		Evidence: evs,
		Advice:   fmt.Sprintf("Take %s in one order everywhere (see the lock-order-cycle finding for the conflicting sites), or release one before taking the other. A read lock is no way out: Go's RLock waits behind a waiting writer.", strings.Join(locks, " and ")),
	}
}

func heldList(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	return strings.Join(names, ", ")
}
