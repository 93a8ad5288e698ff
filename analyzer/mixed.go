package analyzer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/findings"
)

// runMixed reports observed mixed deadlocks: at a process's end (its exit
// or the snapshot at its deadline), a goroutine blocked on a channel,
// select, WaitGroup or Cond holds a lock (the lock runtime's snapshot says
// which), and another goroutine waits, directly or through other lock
// waits, for that lock: the goroutine that should unblock the first is
// stuck behind it. Goroutine IDs of the trace, the dump and the snapshot
// are the same.
//
// Predicted mixed deadlocks, from blocks that ended, are blocking.go's.
// chainHolders are the goroutines the mixed-deadlock check described with
// their whole wait-for chain, by process, so that the exit pairs
// (leakmixed.go) do not describe them again: one deadlock, one finding.
type chainHolders map[procGoroutine]bool

// mixedExplained are the goroutines of the mixed deadlocks found (from the
// lock snapshot's chains and among the goroutines parked at exit), by
// process index: the mixed-deadlock check's result, so that neither the
// blocked-forever check nor the lock-leak check reports them again on
// their own.
type mixedExplained map[int]map[int64]bool

// procGoroutine is one goroutine of one process of the input.
type procGoroutine struct {
	proc int // Proc.Index
	id   int64
}

// runMixed reports every mixed deadlock: observed ones from the lock
// snapshot's wait-for chains, those among goroutines parked at exit
// (leakmixed.go), and those the blocking check predicted.
func runMixed(p *pass, deps results) ([]findings.Finding, any, error) {
	out := slices.Clone([]findings.Finding(deps[blockingCheck].(predictedMixed)))
	holders, explained := chainHolders{}, mixedExplained{}
	for _, pr := range p.Model.Procs {
		out = append(out, p.chainMixed(pr, holders)...)
		exit, covered := p.mixedFindings(pr, holders)
		out = append(out, exit...)
		for g := range holders {
			if g.proc == pr.Index {
				covered[g.id] = true
			}
		}
		explained[pr.Index] = covered
	}
	return out, explained, nil
}

// chainMixed reports pr's goroutines blocked on a channel, WaitGroup or
// Cond while holding a lock others wait for, with the chain of waiters,
// adding them to holders.
func (p *pass) chainMixed(pr *proc, holders chainHolders) []findings.Finding {
	snap := latestSnapshot(pr)
	if snap == nil {
		return nil
	}
	w := newWaitFor(pr, snap)
	gs, _ := p.endBlocked(pr)
	stacks := p.endStacks(pr)
	tests := leakTests(pr)
	var out []findings.Finding
	for _, g := range gs {
		if !g.comm() || w.gs[g.ID] == nil || len(w.gs[g.ID].Held) == 0 {
			continue
		}
		chain := w.behind(g.ID)
		if len(chain) == 0 {
			continue
		}
		f := p.mixedFinding(pr, w, g, chain, stacks)
		ids := []int64{g.ID}
		for _, path := range chain {
			ids = append(ids, path...)
		}
		f.Timeline = p.newTimeline(pr, w, ids, ids)
		if test := tests[g.ID]; test != "" {
			f.Test = test
			f.Title = strings.Replace(f.Title, "Mixed deadlock: ", "Mixed deadlock in "+test+": ", 1)
			f.Message += fmt.Sprintf(" The goroutines were started by test %s.", test)
		}
		holders[procGoroutine{pr.Index, g.ID}] = true
		out = append(out, f)
	}
	return out
}

// behind returns the goroutines that wait, through lock waits, for a lock
// held by id: each as the path from it to id (it first, id excluded), the
// shortest first.
func (w *waitFor) behind(id int64) [][]int64 {
	next := map[int64]int64{id: id} // waiter -> whom it waits for on the path
	queue := []int64{id}
	var out [][]int64
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, x := range w.ids {
			if _, seen := next[x]; seen || !containsID(w.on[x], cur) {
				continue
			}
			next[x] = cur
			queue = append(queue, x)
			var path []int64
			for y := x; y != id; y = next[y] {
				path = append(path, y)
			}
			out = append(out, path)
		}
	}
	return out
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// endStacks returns every goroutine's stack at pr's end: the trace's
// blocking stacks where it has them, else the latest snapshot's dump.
func (p *pass) endStacks(pr *proc) map[int64][]findings.Frame {
	out := map[int64][]findings.Frame{}
	if snap := latestSnapshot(pr); snap != nil {
		for _, s := range gotext.ParseDump(snap.Dump) {
			out[s.ID] = s.Frames
		}
	}
	if sum := p.traceOf(pr); sum != nil {
		for _, g := range sum.Goroutines {
			if len(g.Stack) > 0 {
				out[g.ID] = framesOf(g.Stack)
			}
		}
	}
	return out
}

func (p *pass) mixedFinding(pr *proc, w *waitFor, g blockedG, chains [][]int64, stacks map[int64][]findings.Frame) findings.Finding {
	held := w.gs[g.ID].Held
	key := p.keyFrame(trim(g.Stack))
	first := fmt.Sprintf("goroutine %d holds %s and is blocked on %s in %s %s", g.ID,
		strings.Join(heldNames(pr, held), ", "), g.Reason, location(key), g.Wait)
	steps := []string{strings.TrimSpace(first)}
	evs := []findings.Evidence{{Role: steps[0], Goroutine: g.ID, Stack: trim(g.Stack), Held: heldNames(pr, held)}}
	locks := map[string]bool{}
	funcs := []string{stackFunc(key)}
	for _, path := range chains {
		for _, id := range path {
			x := w.gs[id]
			holders := w.on[id]
			want := pr.InstName(*x.Waiting)
			locks[pr.ClassName(*x.Waiting)] = true
			st := trim(stacks[id])
			line := fmt.Sprintf("goroutine %d waits%s for %s, held by %s, in %s", id, w.waited(x), want, goroutineList(holders), location(p.keyFrame(st)))
			if len(evs) < maxListed {
				steps = append(steps, line)
				evs = append(evs, findings.Evidence{Role: line, Goroutine: id, Stack: orEmpty(st), Held: heldNames(pr, x.Held)})
			}
			funcs = append(funcs, stackFunc(p.keyFrame(st)))
		}
	}
	names := sortedKeys(locks)
	return findings.Finding{
		ID:   findings.Fingerprint(findings.KindMixedDeadlock, append([]string{g.Reason}, names...), append(sortedUnique(funcs), pr.Process.Package)),
		Kind: findings.KindMixedDeadlock, Severity: findings.Error, Confidence: findings.Observed, Package: pr.Process.Package,
		Title: fmt.Sprintf("Mixed deadlock: %s blocks on %s while holding %s, which the goroutine that would unblock it waits for",
			findings.ShortFunc(key.Func), g.Reason, strings.Join(names, ", ")),
		Message: fmt.Sprintf("In %s a goroutine blocked on a %s while holding a lock, and the goroutines that could let it proceed are stuck waiting for that lock: %s. None of them can proceed.",
			pr.Label(), g.Reason, strings.Join(steps, "; ")),
		Locks:    names,
		Evidence: evs,
		Advice:   mixedAdvice(key, names),
	}
}

func mixedAdvice(at findings.Frame, locks []string) string {
	return fmt.Sprintf("Do not hold %s across the blocking operation in %s: copy what it needs under the lock, unlock, then send, receive or wait. If the lock must stay held, make the operation unable to block (a select with default or a timeout, a channel with room for every message).",
		strings.Join(locks, " and "), location(at))
}

func orEmpty(fs []findings.Frame) []findings.Frame {
	if fs == nil {
		return []findings.Frame{}
	}
	return fs
}
