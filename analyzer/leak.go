package analyzer

import (
	"fmt"

	"github.com/lockscope/lockscope/tracer/event"
)

// leakKey groups leaks of one class acquired at one site.
type leakKey struct {
	class string
	site  int32
	ended bool
}

func runLeak(p *Pass) ([]Finding, error) {
	var out []Finding
	for _, pr := range p.Model.Procs {
		if forcedExit(pr) {
			continue
		}
		for _, snap := range pr.Snapshots {
			if snap.Reason == "exit" {
				out = append(out, p.leaks(pr, snap)...)
			}
		}
	}
	return out, nil
}

// leaks reports the locks still held in an exit snapshot: by a goroutine
// absent from the dump (it ended holding them) or by a live one.
func (p *Pass) leaks(pr *Proc, snap *event.Event) []Finding {
	dump := stackByID(ParseDump(snap.Dump))
	seen := map[leakKey]bool{}
	var out []Finding
	for _, g := range snap.Goroutines {
		for _, l := range g.Held {
			_, alive := dump[g.ID]
			k := leakKey{pr.ClassName(l), l.Site, !alive}
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, p.leakFinding(pr, g, l, dump[g.ID]))
		}
	}
	return out
}

func (p *Pass) leakFinding(pr *Proc, g event.Goroutine, l event.Lock, live *Stack) Finding {
	name := pr.ClassName(l)
	site, _ := pr.SiteFrame(l.Site)
	where := Where(Frame(site))
	f := Finding{
		Kind: "lock-leak", Severity: Error, Confidence: Observed, Package: pr.Process.Package,
		Locks: []string{name},
	}
	evs := []Evidence{{Role: fmt.Sprintf("%s was acquired here", pr.InstName(l)), Goroutine: g.ID, Stack: []Frame{Frame(site)}, Held: heldNames(pr, g.Held)}}
	state := "ended"
	if live == nil {
		f.Title = fmt.Sprintf("%s locked in %s is never unlocked: its goroutine ended holding it", name, shortFunc(site.Func))
		f.Message = fmt.Sprintf("goroutine %d locked %s in %s and ended without unlocking it. No goroutine can release it any more: every later Lock of it waits forever.", g.ID, pr.InstName(l), where)
	} else {
		state = "alive"
		f.Severity = Warning
		f.Title = fmt.Sprintf("%s locked in %s was still held at exit", name, shortFunc(site.Func))
		f.Message = fmt.Sprintf("goroutine %d locked %s in %s and still held it when %s exited (goroutine state: %s).", g.ID, pr.InstName(l), where, pr.Label(), live.State)
		evs = append(evs, Evidence{Role: fmt.Sprintf("goroutine %d at exit [%s]", g.ID, live.State), Goroutine: g.ID, Stack: Trim(live.Frames)})
	}
	f.Evidence = evs
	f.Advice = fmt.Sprintf("Unlock %s on every path out of %s: put \"defer ...Unlock()\" right after the Lock there, and check early returns and recovered panics between Lock and Unlock.", name, where)
	f.ID = fingerprint(f.Kind, []string{pr.Class(l).FPKey}, []string{shortFunc(site.Func), state})
	return f
}

// forcedExit reports whether the lock runtime ended the process itself at a
// double lock: the locks held then are the double lock's evidence, not leaks.
func forcedExit(pr *Proc) bool {
	for _, ev := range pr.Misuse {
		if ev.Kind == event.KindDoubleLock {
			return true
		}
	}
	return false
}
