package analyzer

import (
	"fmt"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

func runDoubleLock(p *pass) ([]findings.Finding, error) {
	return p.misuse(event.KindDoubleLock, doubleLockFinding), nil
}

// runRecursiveRLock reports recursive read locks, except where the first
// read lock was handed off: released by another goroutine (Go allows it),
// so that the goroutine did not hold it any more, or would not have.
func runRecursiveRLock(p *pass) ([]findings.Finding, error) {
	return p.misuse(event.KindRecursiveRLock, recursiveFinding), nil
}

func runUnlockOfUnlocked(p *pass) ([]findings.Finding, error) {
	return p.misuse(event.KindUnlockOfUnlocked, unlockFinding), nil
}

// misuse builds one finding per site of the events of kind, in every
// process. Double locks also come from snapshots (snapshotDoubleLocks);
// recursive read locks whose first hold was handed off are dropped.
func (p *pass) misuse(kind event.Kind, build func(*pass, *proc, *event.Event) findings.Finding) []findings.Finding {
	var out []findings.Finding
	for _, pr := range p.Model.Procs {
		seen := map[int32]bool{}
		evs := pr.Misuse
		var h handoffs
		switch kind {
		case event.KindDoubleLock:
			evs = append(append([]*event.Event(nil), evs...), snapshotDoubleLocks(pr)...)
		case event.KindRecursiveRLock:
			h = handoffsOf(pr)
		}
		for _, ev := range evs {
			if ev.Kind != kind || ev.Acq == nil || seen[ev.Acq.Site] || h.firstHandedOff(ev) {
				continue
			}
			seen[ev.Acq.Site] = true
			f := build(p, pr, ev)
			f.Kind, f.Severity, f.Confidence = findings.Kind(kind), findings.Error, findings.Observed
			f.Package = pr.Process.Package
			f.ID = findings.Fingerprint(f.Kind, []string{pr.Class(*ev.Acq).FPKey}, []string{stackFunc(p.KeyFrame(ev.Stack))})
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
func heldNames(pr *proc, ls []event.Lock) []string {
	var out []string
	for _, l := range ls {
		out = append(out, pr.InstName(l))
	}
	return out
}

// relock describes the second acquisition of a held lock and the first one.
func (p *pass) relock(pr *proc, ev *event.Event, verb string) (string, []findings.Evidence) {
	name := pr.InstName(*ev.Acq)
	where := location(p.KeyFrame(ev.Stack))
	msg := fmt.Sprintf("goroutine %d %s %s in %s while already holding it", ev.Goroutine, verb, name, where)
	evs := []findings.Evidence{p.Evidence(fmt.Sprintf("goroutine %d %s %s again", ev.Goroutine, verb, name), ev.Goroutine, ev.Stack, heldNames(pr, ev.Held))}
	if h, ok := prior(ev); ok {
		if f, ok := pr.SiteFrame(h.Site); ok {
			msg += fmt.Sprintf(" (first acquired in %s)", location(findings.Frame(f)))
			evs = append(evs, findings.Evidence{Role: "where it was first acquired", Goroutine: ev.Goroutine, Stack: []findings.Frame{findings.Frame(f)}})
		}
	}
	return msg, evs
}

func doubleLockFinding(p *pass, pr *proc, ev *event.Event) findings.Finding {
	name := pr.ClassName(*ev.Acq)
	msg, evs := p.relock(pr, ev, verb(*ev.Acq)+"s")
	if ev.Reason == "snapshot" {
		msg += ", and a lock snapshot shows it still waiting for it"
	}
	return findings.Finding{
		Title:    fmt.Sprintf("Double lock of %s in %s", name, stackFunc(p.KeyFrame(ev.Stack))),
		Message:  msg + ". Go's mutexes are not reentrant: the second acquisition waits for the goroutine itself to unlock, so it deadlocks.",
		Locks:    []string{name},
		Evidence: evs,
		Advice: fmt.Sprintf("Do not lock %s again in %s: the caller already holds it. Call an unexported variant that expects the lock held (a ...Locked function), or release %s before the call.",
			name, location(p.KeyFrame(ev.Stack)), name),
	}
}

func recursiveFinding(p *pass, pr *proc, ev *event.Event) findings.Finding {
	name := pr.ClassName(*ev.Acq)
	msg, evs := p.relock(pr, ev, "read-locks")
	return findings.Finding{
		Title: fmt.Sprintf("Recursive RLock of %s in %s", name, stackFunc(p.KeyFrame(ev.Stack))),
		Message: msg + ". This deadlocks as soon as another goroutine calls Lock between the two RLocks: Go's RWMutex makes new readers wait behind a queued writer, " +
			"and the writer waits for the first read lock, which is never released.",
		Locks:    []string{name},
		Evidence: evs,
		Advice: fmt.Sprintf("Read-lock %s once: in %s, use a variant that expects the read lock held instead of calling RLock again.",
			name, location(p.KeyFrame(ev.Stack))),
	}
}

func unlockFinding(p *pass, pr *proc, ev *event.Event) findings.Finding {
	name := pr.ClassName(*ev.Acq)
	op := "Unlock"
	if ev.Acq.Site > 0 && int(ev.Acq.Site) < len(p.Model.Sites.Sites) && p.Model.Sites.Sites[ev.Acq.Site].Op != "" {
		op = p.Model.Sites.Sites[ev.Acq.Site].Op
	} else if modeOf(*ev.Acq) == event.Read {
		op = "RUnlock"
	}
	where := location(p.KeyFrame(ev.Stack))
	return findings.Finding{
		Title: fmt.Sprintf("%s of unlocked %s in %s", op, name, stackFunc(p.KeyFrame(ev.Stack))),
		Message: fmt.Sprintf("goroutine %d calls %s on %s in %s, but it is not locked. The Go runtime stops the program with \"fatal error: sync: unlock of unlocked mutex\", which cannot be recovered.",
			ev.Goroutine, op, pr.InstName(*ev.Acq), where),
		Locks:    []string{name},
		Evidence: []findings.Evidence{p.Evidence(fmt.Sprintf("goroutine %d calls %s", ev.Goroutine, op), ev.Goroutine, ev.Stack, heldNames(pr, ev.Held))},
		Advice: fmt.Sprintf("Make every path through %s unlock %s exactly once, after locking it: look for an early return before the Lock, or a deferred %s plus an explicit one.",
			where, name, op),
	}
}

// handoffs are the read locks of one process that a goroutine took and
// another released, from KindHandoff events (the runtime writes one per
// class, acquisition site, instance and holder): by instance and holder.
type handoffs struct {
	insts map[[2]int64]bool
}

func handoffsOf(pr *proc) handoffs {
	h := handoffs{insts: map[[2]int64]bool{}}
	for _, ev := range pr.Handoffs {
		if ev.Acq != nil && modeOf(*ev.Acq) != event.Read {
			continue
		}
		h.insts[[2]int64{ev.Inst, ev.Goroutine}] = true
	}
	return h
}

// firstHandedOff reports whether the earlier read lock of recursive-rlock
// event ev — the same instance, held by the same goroutine — was one that
// another goroutine released. A handoff of another instance at the same
// site proves nothing about this one.
func (h handoffs) firstHandedOff(ev *event.Event) bool {
	if h.insts == nil {
		return false
	}
	first, ok := prior(ev)
	if !ok {
		return false
	}
	return first.Inst != 0 && h.insts[[2]int64{first.Inst, ev.Goroutine}]
}

// waitsForOwn reports whether g, in a snapshot, waits for l, which it
// holds, in a way that only it could end: a write wait, or a read wait on
// its own write hold.
func waitsForOwn(g *event.Goroutine, l event.Lock) bool {
	w := g.Waiting
	return w != nil && w.Inst != 0 && l.Inst == w.Inst && (modeOf(*w) == event.Write || modeOf(l) == event.Write)
}

// snapshotDoubleLocks returns a double-lock event for every goroutine that a
// snapshot of pr shows waiting for an instance it holds (for writing, or
// holding it for writing): the lock runtime lets such a Lock wait while
// another goroutine could still unlock the instance, so a self-deadlock in
// a process that never stopped entirely (stopped at lockscope's deadline,
// or exiting around it) is only seen this way. The stack is the
// goroutine's from the snapshot's dump. Reason is "snapshot".
func snapshotDoubleLocks(pr *proc) []*event.Event {
	var out []*event.Event
	for _, snap := range pr.Snapshots {
		var dump map[int64]*gotext.Stack
		for i := range snap.Goroutines {
			g := &snap.Goroutines[i]
			w := g.Waiting
			if w == nil || w.Inst == 0 {
				continue
			}
			for _, l := range g.Held {
				if !waitsForOwn(g, l) {
					continue
				}
				if dump == nil {
					dump = gotext.StackByID(gotext.ParseDump(snap.Dump))
				}
				acq := *w
				ev := &event.Event{Kind: event.KindDoubleLock, Time: snap.Time, Goroutine: g.ID,
					Held: g.Held, Acq: &acq, Reason: "snapshot"}
				if s := dump[g.ID]; s != nil {
					for _, f := range s.Frames {
						ev.Stack = append(ev.Stack, event.Frame(f))
					}
				} else if f, ok := pr.SiteFrame(w.Site); ok {
					ev.Stack = []event.Frame{f}
				}
				out = append(out, ev)
				break
			}
		}
	}
	return out
}
