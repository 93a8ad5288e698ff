package analyzer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/analyzer/internal/gtrace"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// maxListed bounds the goroutines a hang finding lists.
const maxListed = 10

func runHang(p *pass) ([]findings.Finding, error) {
	var out []findings.Finding
	for _, pr := range p.Model.Procs {
		if !pr.Process.TimedOut {
			continue
		}
		f := p.hangFinding(pr)
		f.Kind, f.Severity, f.Confidence, f.Package = findings.KindHang, findings.Error, findings.Observed, pr.Process.Package
		out = append(out, f)
	}
	return out, nil
}

// hang gathers what is known about one hung process.
type hang struct {
	p     *pass
	pr    *proc
	w     *waitFor // nil without a snapshot
	dump  map[int64]*gotext.Stack
	stack []gotext.Stack
}

func (p *pass) hangFinding(pr *proc) findings.Finding {
	h := &hang{p: p, pr: pr}
	snap := latestSnapshot(pr)
	if snap != nil {
		h.w = newWaitFor(pr, snap)
		h.stack = gotext.ParseDump(snap.Dump)
	} else {
		h.stack = gotext.ParseDump(pr.Process.OutputTail)
	}
	h.dump = gotext.StackByID(h.stack)
	switch {
	case h.w != nil && h.w.cycle() != nil:
		f := h.cycleFinding(h.w.cycle())
		f.Timeline = p.newTimeline(pr, h.w, h.w.cycle(), h.w.cycle())
		return f
	case h.w != nil:
		f := h.waitersFinding()
		f.Timeline = h.waitersTimeline(f.Evidence)
		return f
	}
	return h.blindFinding()
}

// goroutineEvidence is g's stack from the dump, with role.
func (h *hang) goroutineEvidence(id int64, role string, held []string) findings.Evidence {
	ev := findings.Evidence{Role: role, Goroutine: id, Held: held, Stack: []findings.Frame{}}
	if s := h.dump[id]; s != nil {
		ev.Stack = trim(s.Frames)
	}
	return ev
}

// keyFunc is the function locating goroutine id's stack, "" if unknown.
func (h *hang) keyFunc(id int64) string {
	if s := h.dump[id]; s != nil {
		return stackFunc(h.p.keyFrame(trim(s.Frames)))
	}
	return ""
}

func (h *hang) waitedFor(g *event.Goroutine) string { return h.w.waited(g) }

func (h *hang) cycleFinding(cyc []int64) findings.Finding {
	var parts, locks, funcs []string
	var evs []findings.Evidence
	for i, id := range cyc {
		g := h.w.gs[id]
		want, next := h.pr.InstName(*g.Waiting), cyc[(i+1)%len(cyc)]
		held := heldNames(h.pr, g.Held)
		line := fmt.Sprintf("goroutine %d holds %s and waits%s for %s, held by goroutine %d", id, orNothing(held), h.waitedFor(g), want, next)
		parts = append(parts, line)
		locks = append(locks, h.pr.ClassName(*g.Waiting))
		funcs = append(funcs, h.keyFunc(id))
		evs = append(evs, h.goroutineEvidence(id, line, held))
	}
	locks = sortedUnique(locks)
	return findings.Finding{
		ID:       findings.Fingerprint(findings.KindHang, locks, append(sortedUnique(funcs), h.pr.Process.Package)),
		Title:    fmt.Sprintf("Deadlock: %d goroutines wait for each other on %s", len(cyc), strings.Join(locks, ", ")),
		Message:  fmt.Sprintf("%s stopped making progress and was stopped at its deadline. The lock snapshot shows a wait-for cycle: %s. None of them can proceed.", h.pr.Label(), strings.Join(parts, "; ")),
		Locks:    locks,
		Evidence: evs,
		Advice:   fmt.Sprintf("This is a lock-order deadlock on %s: make every goroutine acquire these locks in one order, or release one before taking the next (see the lock-order-cycle finding for the sites).", strings.Join(locks, " and ")),
	}
}

func orNothing(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}

// waitersFinding lists who waits for what when there is no lock cycle.
func (h *hang) waitersFinding() findings.Finding {
	var parts, locks, funcs []string
	var evs []findings.Evidence
	for _, id := range h.w.ids {
		g := h.w.gs[id]
		if g.Waiting == nil {
			continue
		}
		holders := goroutineList(h.w.on[id])
		if len(h.w.on[id]) == 0 && len(h.w.snap.Unsettled) > 0 {
			holders = "no goroutine the snapshot could pin down (perhaps one of those taking or releasing locks, below)"
		}
		line := fmt.Sprintf("goroutine %d waits%s for %s, held by %s", id, h.waitedFor(g), h.pr.InstName(*g.Waiting), holders)
		parts = append(parts, line)
		locks = append(locks, h.pr.ClassName(*g.Waiting))
		funcs = append(funcs, h.keyFunc(id))
		if len(evs) < maxListed {
			evs = append(evs, h.goroutineEvidence(id, line, heldNames(h.pr, g.Held)))
		}
	}
	msg := fmt.Sprintf("%s stopped making progress and was stopped at its deadline. No lock wait-for cycle was found.", h.pr.Label())
	if len(parts) > 0 {
		msg += " Lock waits: " + strings.Join(parts, "; ") + "."
	}
	msg += h.unsettled() + h.commWaits() + h.states()
	evs = append(evs, h.blockedEvidence(len(evs))...)
	return h.finding(msg, sortedUnique(locks), funcs, evs)
}

// unsettled says which goroutines the snapshot left out because they took
// or released a lock while it was taken: they were moving, so they are
// neither holders nor waiters in the picture.
func (h *hang) unsettled() string {
	ids := h.w.snap.Unsettled
	switch len(ids) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(" Goroutine %d was taking or releasing a lock while the snapshot was taken, so it is left out of this picture.", ids[0])
	}
	var list []string
	for _, id := range ids {
		list = append(list, fmt.Sprint(id))
	}
	last := len(list) - 1
	return fmt.Sprintf(" Goroutines %s and %s were taking or releasing locks while the snapshot was taken, so they are left out of this picture.", strings.Join(list[:last], ", "), list[last])
}

// blindFinding is a hang without any snapshot.
func (h *hang) blindFinding() findings.Finding {
	msg := fmt.Sprintf("%s stopped making progress and was stopped at its deadline. The lock runtime did not answer the snapshot request, so who holds which lock is unknown.", h.pr.Label())
	if len(h.stack) == 0 {
		msg += " No goroutine dump was found in the output either."
	} else {
		msg += " The goroutine dump from the process output follows." + h.states()
	}
	return h.finding(msg, []string{}, nil, h.blockedEvidence(0))
}

func (h *hang) finding(msg string, locks, funcs []string, evs []findings.Evidence) findings.Finding {
	for _, s := range h.stack {
		if s.State != "running" && s.State != "runnable" {
			funcs = append(funcs, stackFunc(h.p.keyFrame(trim(s.Frames))))
		}
	}
	return findings.Finding{
		ID:       findings.Fingerprint(findings.KindHang, locks, append(sortedUnique(funcs), h.pr.Process.Package)),
		Title:    "Target hung: " + hangSubject(h.pr, locks),
		Message:  msg,
		Locks:    locks,
		Evidence: evs,
		Advice:   "Look at what the blocked goroutines wait for: a lock nobody releases points at a missing Unlock (see lock-leak findings); goroutines stuck on channels or WaitGroups are a communication deadlock; give blocking operations a way out (a closed channel, a context).",
	}
}

func hangSubject(pr *proc, locks []string) string {
	name := pr.Process.Package
	if name == "" {
		name = "the program"
	}
	if len(locks) > 0 {
		return name + " waits on " + strings.Join(locks, ", ")
	}
	return name + " stopped making progress"
}

// blockedEvidence lists the blocked goroutines of the dump, up to
// maxListed in all with have entries already listed.
func (h *hang) blockedEvidence(have int) []findings.Evidence {
	var out []findings.Evidence
	for _, s := range h.stack {
		if have+len(out) >= maxListed || s.State == "running" {
			continue
		}
		if h.w != nil && h.w.gs[s.ID] != nil && h.w.gs[s.ID].Waiting != nil {
			continue // listed with its lock wait
		}
		role := fmt.Sprintf("goroutine %d [%s]", s.ID, s.State)
		if s.Wait != "" {
			role = fmt.Sprintf("goroutine %d [%s, %s]", s.ID, s.State, s.Wait)
		}
		if w := h.traceWait(s.ID); w != "" {
			role += " " + w
		}
		out = append(out, findings.Evidence{Role: role, Goroutine: s.ID, Stack: trim(s.Frames)})
	}
	return out
}

// states summarises the dump: " Goroutine states: 3 chan receive, 1 select."
func (h *hang) states() string {
	if len(h.stack) == 0 {
		return ""
	}
	n := map[string]int{}
	for _, s := range h.stack {
		n[s.State]++
	}
	keys := sortedKeys(n)
	sort.SliceStable(keys, func(i, j int) bool { return n[keys[i]] > n[keys[j]] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
	}
	return fmt.Sprintf(" Goroutine states (%d goroutines): %s.", len(h.stack), strings.Join(parts, ", "))
}

func goroutineList(ids []int64) string {
	if len(ids) == 0 {
		return "no goroutine the snapshot knows (a leaked lock?)"
	}
	var s []string
	for _, id := range ids {
		s = append(s, fmt.Sprintf("goroutine %d", id))
	}
	return strings.Join(s, ", ")
}

// commWaits lists the goroutines blocked on a channel, select, WaitGroup
// or Cond, with the locks they hold: the part of the wait-for picture the
// lock snapshot does not see. From the execution trace when there is one,
// else from the goroutine dump.
func (h *hang) commWaits() string {
	gs, from := h.p.endBlocked(h.pr)
	var parts []string
	for _, g := range gs {
		if !g.comm() {
			continue
		}
		line := fmt.Sprintf("goroutine %d on %s in %s", g.ID, g.Reason, location(h.p.keyFrame(trim(g.Stack))))
		if g.Wait != "" {
			line += " " + g.Wait
		}
		if h.w != nil && h.w.gs[g.ID] != nil && len(h.w.gs[g.ID].Held) > 0 {
			line += " holding " + strings.Join(heldNames(h.pr, h.w.gs[g.ID].Held), ", ")
		}
		parts = append(parts, line)
	}
	if len(parts) == 0 {
		return ""
	}
	if len(parts) > maxListed {
		parts = append(parts[:maxListed], fmt.Sprintf("%d more", len(parts)-maxListed))
	}
	return fmt.Sprintf(" Channel, WaitGroup and Cond waits (from the %s): %s.", from, strings.Join(parts, "; "))
}

// traceWait says how long goroutine id had been waiting at the end of the
// execution trace ("for 9.998s"), or "" when the trace does not show it
// waiting. A goroutine dump says how long only past a minute.
func (h *hang) traceWait(id int64) string {
	sum := h.p.traceOf(h.pr)
	if sum == nil {
		return ""
	}
	if g := sum.Goroutine(id); g != nil && g.State == gtrace.StateWaiting {
		return traceWait(sum, g)
	}
	return ""
}
