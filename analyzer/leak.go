package analyzer

import (
	"fmt"
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// leakKey groups leaks of one class acquired at one site.
type leakKey struct {
	class string
	site  int32
	ended bool
	test  string // the test the holder belongs to; "" for none
}

// runLeak reports locks still held when a process ended. A lock held by a
// goroutine of a mixed deadlock is that finding's evidence, not a leak of
// its own: one bug, one finding.
func runLeak(p *pass, deps results) ([]findings.Finding, any, error) {
	explained := deps[mixedCheck].(mixedExplained)
	var out []findings.Finding
	for _, pr := range p.Model.Procs {
		if len(selfDeadlocked(pr)) > 0 {
			// The runtime ended the process at a double lock: the locks
			// held then are its evidence, not leaks.
			continue
		}
		for _, snap := range pr.Snapshots {
			if snap.Reason == "exit" {
				out = append(out, p.leaks(pr, snap, explained[pr.Index])...)
			}
		}
	}
	return out, nil, nil
}

// leaks reports the locks still held in an exit snapshot: by a goroutine
// absent from the dump (it ended holding them) or by a live one that no
// mixed deadlock explains (inMixed). Leaks of one class from one site in
// one test are one finding that says how many there were, so that each
// test answers for its own.
func (p *pass) leaks(pr *proc, snap *event.Event, inMixed map[int64]bool) []findings.Finding {
	dump := gotext.StackByID(gotext.ParseDump(snap.Dump))
	index := map[leakKey]int{}
	holders := map[leakKey][]int64{}
	var out []findings.Finding
	for _, g := range snap.Goroutines {
		for _, l := range g.Held {
			if waitsForOwn(&g, l) {
				continue // a double lock, reported as one (snapshotDoubleLocks)
			}
			_, alive := dump[g.ID]
			if alive && inMixed[g.ID] {
				continue // the mixed-deadlock finding shows the lock held
			}
			test := p.testOf(pr, g.ID, dump[g.ID]) // leakproof.go
			k := leakKey{pr.ClassName(l), l.Site, !alive, test}
			holders[k] = append(holders[k], g.ID)
			if _, seen := index[k]; !seen {
				index[k] = len(out)
				f := p.leakFinding(pr, g, l, dump[g.ID])
				blameTest(&f, test)
				out = append(out, f)
			}
		}
	}
	for k, i := range index {
		out[i].Count = len(holders[k])
		if ids := holders[k]; len(ids) > 1 {
			out[i].Message += fmt.Sprintf(" The same happened to %d %s locks in all, held by goroutines %s.", len(ids), k.class, idList(ids, 10))
		}
	}
	return out
}

// idList prints up to max goroutine IDs, and how many more there were.
func idList(ids []int64, max int) string {
	var b strings.Builder
	for i, id := range ids {
		if i == max {
			fmt.Fprintf(&b, " and %d more", len(ids)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, id)
	}
	return b.String()
}

func (p *pass) leakFinding(pr *proc, g event.Goroutine, l event.Lock, live *gotext.Stack) findings.Finding {
	name := pr.ClassName(l)
	site, _ := pr.SiteFrame(l.Site)
	where := location(findings.Frame(site))
	f := findings.Finding{
		Kind: findings.KindLockLeak, Severity: findings.Error, Confidence: findings.Observed, Package: pr.Process.Package,
		Locks: []string{name},
	}
	evs := []findings.Evidence{{Role: fmt.Sprintf("%s was acquired here", pr.InstName(l)), Goroutine: g.ID, Stack: []findings.Frame{findings.Frame(site)}, Held: heldNames(pr, g.Held)}}
	state := "ended"
	if live == nil {
		f.Title = fmt.Sprintf("%s locked in %s is never unlocked: its goroutine ended holding it", name, findings.ShortFunc(site.Func))
		f.Message = fmt.Sprintf("goroutine %d locked %s in %s and ended without unlocking it. Unless another goroutine unlocks it, every later Lock of it waits forever.", g.ID, pr.InstName(l), where)
		if c := g.Created; c != nil { // the ended goroutine is in no dump: its origin is only here
			f.Message += fmt.Sprintf(" The goroutine was created at %s.", location(findings.Frame(*c)))
			evs = append(evs, findings.Evidence{Role: fmt.Sprintf("goroutine %d was created here", g.ID), Goroutine: g.ID, Stack: []findings.Frame{findings.Frame(*c)}})
		}
	} else {
		state = "alive"
		f.Severity = findings.Warning
		f.Title = fmt.Sprintf("%s locked in %s was still held at exit", name, findings.ShortFunc(site.Func))
		f.Message = fmt.Sprintf("goroutine %d locked %s in %s and still held it when %s exited (goroutine state: %s).", g.ID, pr.InstName(l), where, pr.Label(), live.State)
		evs = append(evs, findings.Evidence{Role: fmt.Sprintf("goroutine %d at exit [%s]", g.ID, live.State), Goroutine: g.ID, Stack: trim(live.Frames)})
	}
	f.Evidence = evs
	f.Advice = p.leakAdvice(l, name, where, findings.ShortFunc(site.Func))
	f.ID = findings.Fingerprint(f.Kind, []string{pr.Class(l).FPKey}, []string{findings.ShortFunc(site.Func), state})
	return f
}

// leakAdvice tells how to release the lock: on every path out of the
// locking function, or — for an API that locks in one function and unlocks
// in another (a transaction's Begin and Commit) — by making every caller
// reach the unlocking function.
func (p *pass) leakAdvice(l event.Lock, name, where, lockFunc string) string {
	var others []string
	if l.Class > 0 {
		seen := map[string]bool{lockFunc: true}
		for _, s := range p.Model.Sites.Sites {
			fn := findings.ShortFunc(s.Frame.Func)
			if s.Class == l.Class && (s.Op == "Unlock" || s.Op == "RUnlock") && !seen[fn] {
				seen[fn] = true
				others = append(others, fn)
			}
		}
	}
	if len(others) > 0 && !strings.Contains(strings.Join(others, " "), lockFunc) {
		return fmt.Sprintf("%s is locked in %s and unlocked elsewhere (%s): every caller of %s must reach one of those on every path, including errors and recovered panics (for example with a defer right after the call). Find the caller that does not: the goroutines listed above ran it.",
			name, lockFunc, strings.Join(others, ", "), lockFunc)
	}
	return fmt.Sprintf("Unlock %s on every path out of %s: put \"defer ...Unlock()\" right after the Lock there, and check early returns and recovered panics between Lock and Unlock.", name, where)
}
