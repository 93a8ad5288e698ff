package analyzer

import (
	"fmt"

	"github.com/lockscope/lockscope/tracer/event"
)

func runDoubleLock(p *Pass) ([]Finding, error) {
	return p.misuse(event.KindDoubleLock, doubleLockFinding), nil
}

func runRecursiveRLock(p *Pass) ([]Finding, error) {
	return p.misuse(event.KindRecursiveRLock, recursiveFinding), nil
}

func runUnlockOfUnlocked(p *Pass) ([]Finding, error) {
	return p.misuse(event.KindUnlockOfUnlocked, unlockFinding), nil
}

// misuse builds one finding per site of the events of kind, in every
// process.
func (p *Pass) misuse(kind event.Kind, build func(*Pass, *Proc, *event.Event) Finding) []Finding {
	var out []Finding
	for _, pr := range p.Model.Procs {
		seen := map[int32]bool{}
		for _, ev := range pr.Misuse {
			if ev.Kind != kind || ev.Acq == nil || seen[ev.Acq.Site] {
				continue
			}
			seen[ev.Acq.Site] = true
			f := build(p, pr, ev)
			f.Kind, f.Severity, f.Confidence = string(kind), Error, Observed
			f.Package = pr.Process.Package
			f.ID = fingerprint(f.Kind, []string{pr.Class(*ev.Acq).FPKey}, []string{stackFunc(p.KeyFrame(ev.Stack))})
			out = append(out, f)
		}
	}
	return out
}

// prior finds the held entry of ev for the same instance as ev.Acq.
func prior(ev *event.Event) (event.Lock, bool) {
	for i := len(ev.Held) - 1; i >= 0; i-- {
		if ev.Held[i].Inst == ev.Acq.Inst {
			return ev.Held[i], true
		}
	}
	return event.Lock{}, false
}

// heldNames names ev's held locks by instance.
func heldNames(pr *Proc, ls []event.Lock) []string {
	var out []string
	for _, l := range ls {
		out = append(out, pr.InstName(l))
	}
	return out
}

// relock describes the second acquisition of a held lock and the first one.
func (p *Pass) relock(pr *Proc, ev *event.Event, verb string) (string, []Evidence) {
	name := pr.InstName(*ev.Acq)
	where := Where(p.KeyFrame(ev.Stack))
	msg := fmt.Sprintf("goroutine %d %s %s in %s while already holding it", ev.Goroutine, verb, name, where)
	evs := []Evidence{p.Evidence(fmt.Sprintf("goroutine %d %s %s again", ev.Goroutine, verb, name), ev.Goroutine, ev.Stack, heldNames(pr, ev.Held))}
	if h, ok := prior(ev); ok {
		if f, ok := pr.SiteFrame(h.Site); ok {
			msg += fmt.Sprintf(" (first acquired in %s)", Where(Frame(f)))
			evs = append(evs, Evidence{Role: "where it was first acquired", Goroutine: ev.Goroutine, Stack: []Frame{Frame(f)}})
		}
	}
	return msg, evs
}

func doubleLockFinding(p *Pass, pr *Proc, ev *event.Event) Finding {
	name := pr.ClassName(*ev.Acq)
	msg, evs := p.relock(pr, ev, verb(*ev.Acq)+"s")
	return Finding{
		Title:    fmt.Sprintf("Double lock of %s in %s", name, stackFunc(p.KeyFrame(ev.Stack))),
		Message:  msg + ". Go's mutexes are not reentrant: the second acquisition waits for the goroutine itself to unlock, so it deadlocks.",
		Locks:    []string{name},
		Evidence: evs,
		Advice: fmt.Sprintf("Do not lock %s again in %s: the caller already holds it. Call an unexported variant that expects the lock held (a ...Locked function), or release %s before the call.",
			name, Where(p.KeyFrame(ev.Stack)), name),
	}
}

func recursiveFinding(p *Pass, pr *Proc, ev *event.Event) Finding {
	name := pr.ClassName(*ev.Acq)
	msg, evs := p.relock(pr, ev, "read-locks")
	return Finding{
		Title: fmt.Sprintf("Recursive RLock of %s in %s", name, stackFunc(p.KeyFrame(ev.Stack))),
		Message: msg + ". This deadlocks as soon as another goroutine calls Lock between the two RLocks: Go's RWMutex makes new readers wait behind a queued writer, " +
			"and the writer waits for the first read lock, which is never released.",
		Locks:    []string{name},
		Evidence: evs,
		Advice: fmt.Sprintf("Read-lock %s once: in %s, use a variant that expects the read lock held instead of calling RLock again.",
			name, Where(p.KeyFrame(ev.Stack))),
	}
}

func unlockFinding(p *Pass, pr *Proc, ev *event.Event) Finding {
	name := pr.ClassName(*ev.Acq)
	op := "Unlock"
	if ev.Acq.Site > 0 && int(ev.Acq.Site) < len(p.Model.Sites.Sites) && p.Model.Sites.Sites[ev.Acq.Site].Op != "" {
		op = p.Model.Sites.Sites[ev.Acq.Site].Op
	} else if modeOf(*ev.Acq) == event.Read {
		op = "RUnlock"
	}
	where := Where(p.KeyFrame(ev.Stack))
	return Finding{
		Title: fmt.Sprintf("%s of unlocked %s in %s", op, name, stackFunc(p.KeyFrame(ev.Stack))),
		Message: fmt.Sprintf("goroutine %d calls %s on %s in %s, but it is not locked. The Go runtime stops the program with \"fatal error: sync: unlock of unlocked mutex\", which cannot be recovered.",
			ev.Goroutine, op, pr.InstName(*ev.Acq), where),
		Locks:    []string{name},
		Evidence: []Evidence{p.Evidence(fmt.Sprintf("goroutine %d calls %s", ev.Goroutine, op), ev.Goroutine, ev.Stack, heldNames(pr, ev.Held))},
		Advice: fmt.Sprintf("Make every path through %s unlock %s exactly once, after locking it: look for an early return before the Lock, or a deferred %s plus an explicit one.",
			where, name, op),
	}
}
