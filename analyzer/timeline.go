package analyzer

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/lockscope/lockscope/analyzer/internal/gtrace"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// The timeline of a hang or an observed mixed deadlock: for each goroutine
// involved, what it held and what it waited for, up to the snapshot.
//
// Times come from the lock snapshot's Since fields (the acquisition of a
// held lock, the start of a lock wait) and, for channel, WaitGroup and Cond
// waits, from the execution trace. The lock runtime knows a hold's start
// only when it sampled or contended the acquisition; an unknown start is
// left unknown (Span.StartUnknown), never guessed.
//
// The trace's clock starts with its window, not with the process: the
// runtime writes the window right after the snapshot, so a trace time is
// placed on the snapshot's clock by aligning the window's end with the
// snapshot (off by the few milliseconds the snapshot took to write).

// Bounds of a finding's timeline; the rest is counted.
const (
	maxTimelineRows  = 12
	maxTimelineSpans = 16
)

// newTimeline lays out the goroutines ids (in that order, duplicates
// dropped) of w's snapshot. Goroutines the snapshot and the end state know
// nothing about are left out. stuck are the goroutines whose waits make
// the deadlock: the deadlock moment is when the last of them began to
// wait, when all those starts are known; nil stuck means no such moment.
func (p *pass) newTimeline(pr *proc, w *waitFor, ids, stuck []int64) *findings.Timeline {
	snap := w.snap
	tl := &findings.Timeline{SnapshotNs: snap.Time, Rows: []findings.TimelineRow{}}
	comm := p.commWaitSpans(pr, snap.Time)
	stacks := p.endStacks(pr)
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		row := findings.TimelineRow{Goroutine: id, Label: stackFunc(p.keyFrame(trim(stacks[id]))), Spans: []findings.TimelineSpan{}}
		if g := w.gs[id]; g != nil {
			for _, l := range g.Held {
				row.Spans = append(row.Spans, lockSpan(pr, findings.SpanHold, l, snap.Time))
			}
			if g.Waiting != nil {
				row.Spans = append(row.Spans, lockSpan(pr, findings.SpanWait, *g.Waiting, snap.Time))
			}
		}
		if s, ok := comm[id]; ok {
			row.Spans = append(row.Spans, s)
		}
		if len(row.Spans) == 0 {
			continue
		}
		sortSpans(row.Spans)
		if len(row.Spans) > maxTimelineSpans {
			row.MoreSpans = len(row.Spans) - maxTimelineSpans
			row.Spans = row.Spans[:maxTimelineSpans]
		}
		if len(tl.Rows) == maxTimelineRows {
			tl.MoreRows++
			continue
		}
		tl.Rows = append(tl.Rows, row)
	}
	if len(tl.Rows) == 0 {
		return nil
	}
	tl.DeadlockNs = deadlockMoment(w, comm, stuck)
	return tl
}

// lockSpan is a hold of l or a wait for it, open at the snapshot (now).
func lockSpan(pr *proc, kind string, l event.Lock, now int64) findings.TimelineSpan {
	s := findings.TimelineSpan{Kind: kind, Lock: shortInstName(pr, l), Class: pr.ClassName(l), Mode: string(modeOf(l)),
		StartNs: l.Since, EndNs: now, Site: pr.SiteLoc(l.Site)}
	if kind == findings.SpanWait {
		s.Reason = gtrace.ReasonLock
	}
	if l.Since <= 0 || l.Since > now {
		s.StartNs, s.StartUnknown = 0, true
	}
	return s
}

// shortInstName names l's instance without its first site: "Account.mu#2".
func shortInstName(pr *proc, l event.Lock) string {
	name := pr.ClassName(l)
	if in := pr.Insts[l.Inst]; in != nil {
		return fmt.Sprintf("%s#%d", name, in.Ordinal)
	}
	return name
}

// commWaitSpans are the channel, select, WaitGroup and Cond waits of pr's
// goroutines at its end, by goroutine: with their start from the
// execution trace when it knows it, else with an unknown start.
func (p *pass) commWaitSpans(pr *proc, now int64) map[int64]findings.TimelineSpan {
	out := map[int64]findings.TimelineSpan{}
	gs, _ := p.endBlocked(pr)
	sum := p.traceOf(pr)
	for _, g := range gs {
		if !g.comm() {
			continue
		}
		s := findings.TimelineSpan{Kind: findings.SpanWait, Reason: g.Reason, EndNs: now, StartUnknown: true}
		if f := p.keyFrame(trim(g.Stack)); f.File != "" {
			s.Site = fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
		}
		if sum != nil {
			if tg := sum.Goroutine(g.ID); tg != nil && tg.Known && tg.Since <= sum.DurationNs {
				if start := now - (sum.DurationNs - tg.Since); start > 0 {
					s.StartNs, s.StartUnknown = start, false
				}
			}
		}
		out[g.ID] = s
	}
	return out
}

// sortSpans orders a goroutine's spans by start, unknown starts first,
// holds before waits, then by lock.
func sortSpans(ss []findings.TimelineSpan) {
	sort.SliceStable(ss, func(i, j int) bool {
		a, b := ss[i], ss[j]
		if a.StartUnknown != b.StartUnknown {
			return a.StartUnknown
		}
		if a.StartNs != b.StartNs {
			return a.StartNs < b.StartNs
		}
		if a.Kind != b.Kind {
			return a.Kind == findings.SpanHold
		}
		return a.Lock < b.Lock
	})
}

// deadlockMoment is when the last of stuck's waits began, or 0 when one
// of those starts is unknown or stuck is empty.
func deadlockMoment(w *waitFor, comm map[int64]findings.TimelineSpan, stuck []int64) int64 {
	var last int64
	for _, id := range stuck {
		var start int64
		if g := w.gs[id]; g != nil && g.Waiting != nil {
			start = g.Waiting.Since
		} else if s, ok := comm[id]; ok && !s.StartUnknown {
			start = s.StartNs
		}
		if start <= 0 || start > w.snap.Time {
			return 0
		}
		last = max(last, start)
	}
	return last
}

// evidenceIDs are the goroutines of evs, in order.
func evidenceIDs(evs []findings.Evidence) []int64 {
	var out []int64
	for _, e := range evs {
		if e.Goroutine != 0 {
			out = append(out, e.Goroutine)
		}
	}
	return out
}

// waitersTimeline is the timeline of a hang without a lock cycle: the
// goroutines of its evidence, then the lock waiters it had no room for,
// each lock waiter followed by the goroutines it waits for.
func (h *hang) waitersTimeline(evs []findings.Evidence) *findings.Timeline {
	var ids []int64
	for _, id := range evidenceIDs(evs) {
		ids = append(ids, id)
		ids = append(ids, h.w.on[id]...)
	}
	for _, id := range h.w.ids {
		if h.w.gs[id].Waiting != nil {
			ids = append(ids, id)
			ids = append(ids, h.w.on[id]...)
		}
	}
	return h.p.newTimeline(h.pr, h.w, ids, nil)
}
