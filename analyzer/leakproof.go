package analyzer

import (
	"fmt"
	"sort"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/analyzer/internal/gtrace"
	"github.com/lockscope/lockscope/findings"
)

// testRuns lists the tests whose end the processes of m recorded, each
// once, sorted by package and name.
func testRuns(m *model) []findings.TestRun {
	seen := map[findings.TestRun]bool{}
	var out []findings.TestRun
	for _, pr := range m.Procs {
		for _, ev := range pr.TestEnds {
			t := findings.TestRun{Package: pr.Process.Package, Name: ev.Test}
			if ev.Test != "" && !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Leaks the lock runtime reported itself (event.KindLeak): the goroutines
// a test left blocked when it ended, and those the Go runtime's goroutine
// leak profile proved leaked while the target ran, when it was stopped or
// when it exited. They become blocked-forever findings naming the test;
// runForever leaves these goroutines out of its own end-of-process view.

// leakG is one goroutine of a process's KindLeak events.
type leakG struct {
	gotext.Stack
	test   string // the test that started it; "" for none
	atEnd  bool   // still blocked when its test ended
	proven bool   // marked by the leak profile
}

// leakedGs collects the goroutines of pr's KindLeak events, each once by
// ID, in ID order; profile reports whether the leak profile was queried.
func leakedGs(pr *proc) (gs []*leakG, profile bool) {
	byID := map[int64]*leakG{}
	for _, ev := range pr.Leaks {
		if ev.Proof != "" {
			profile = true
		}
		for _, s := range gotext.ParseDump(ev.Dump) {
			g := byID[s.ID]
			if g == nil {
				g = &leakG{Stack: s, test: ev.Test}
				byID[s.ID] = g
				gs = append(gs, g)
			}
			g.proven = g.proven || s.Leaked
			g.atEnd = g.atEnd || ev.Reason == "test"
			if g.test == "" {
				g.test = ev.Test
			}
		}
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].ID < gs[j].ID })
	return gs, profile
}

// leakFindings groups pr's leaked goroutines, except those in skip, by
// test, proof, reason and stack, one blocked-forever finding per group, and
// returns the IDs they cover.
func (p *pass) leakFindings(pr *proc, skip map[int64]bool) ([]findings.Finding, map[int64]bool) {
	gs, profile := leakedGs(pr)
	covered := map[int64]bool{}
	groups := map[string][]*leakG{}
	var keys []string
	for _, g := range gs {
		covered[g.ID] = true
		if skip[g.ID] {
			continue
		}
		k := fmt.Sprintf("%s\x00%v\x00%s\x00%s", g.test, g.proven, leakReason(g), stackKey(trim(g.Frames)))
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], g)
	}
	var out []findings.Finding
	waits := p.leakWaitsOf(pr)
	for _, k := range keys {
		out = append(out, p.testLeakFinding(pr, groups[k], profile, waits))
	}
	return out, covered
}

// leakReason is the gtrace reason of a leaked goroutine's state.
func leakReason(g *leakG) string {
	if r := dumpReason(g.State, g.Frames); r != "" {
		return r
	}
	return g.State
}

func (p *pass) testLeakFinding(pr *proc, gs []*leakG, profile bool, waits *leakWaits) findings.Finding {
	g := gs[0]
	stack := trim(g.Frames)
	key := p.keyFrame(stack)
	if !p.inModule(key.File) && p.inModule(g.CreatedBy.File) {
		key = g.CreatedBy // blocked in a primitive called directly: go wg.Wait()
	}
	reason := leakReason(g)
	n := fmt.Sprintf("%d goroutines", len(gs))
	if len(gs) == 1 {
		n = "1 goroutine"
	}
	who, owner := pr.Label(), "the target"
	if g.test != "" {
		who, owner = g.test, "test "+g.test
	}
	// An unproved select is as often a loop on a ticker that nobody
	// stopped as a goroutine that can never go on. Unlike a select parked
	// when a whole program exits (blocked.go), a goroutine a test started
	// and left running is that test's leak, as goleak counts it, even when
	// a ticker keeps it waking; but the words must not claim it is stuck.
	loop := !g.proven && reason == gtrace.ReasonSelect
	state := "blocked on " + reason
	if loop {
		state = "still in select"
	}
	msg := fmt.Sprintf("%s started by %s (%s) %s %s in %s", n, owner, pr.Label(), verbWas(len(gs)), state, location(key))
	if g.CreatedBy.Func != "" {
		msg += fmt.Sprintf(", created at %s", location(g.CreatedBy))
	}
	msg += ". " + leakProof(g, profile)
	conf, sev, title := findings.Observed, findings.Error, fmt.Sprintf("%s leaked %s blocked on %s in %s", who, n, reason, findings.ShortFunc(key.Func))
	advice := foreverAdvice(reason, key)
	locks, hint := []string{}, foreverHint(reason)
	if name, note := waits.lock(g.ID); note != "" {
		locks, hint = []string{name}, note // the lock and its holder say more
	}
	switch {
	case g.proven:
		conf = findings.Proven
		msg += " " + hint
	case loop:
		title = fmt.Sprintf("%s left %s running in select in %s", who, n, findings.ShortFunc(key.Func))
		msg += " If one of the select's cases is a ticker or timer, it is a background loop the test never stopped."
		advice = fmt.Sprintf("Stop the goroutine in %s when its owner is done: have a Close (or Stop) close a done channel or cancel a context that the select waits on, and call it in t.Cleanup in the test.", location(key))
	default:
		msg += " " + hint
	}
	var evs []findings.Evidence
	for i, b := range gs {
		if i == maxListed {
			break
		}
		role := fmt.Sprintf("goroutine %d %s%s", b.ID, state, waits.blockedFor(b))
		if b.CreatedBy.Func != "" {
			role += ", created at " + location(b.CreatedBy)
		}
		evs = append(evs, findings.Evidence{Role: role, Goroutine: b.ID, Stack: stack})
	}
	return findings.Finding{
		ID:   findings.Fingerprint(findings.KindBlockedForever, []string{reason, "test=" + g.test}, []string{stackFunc(key), stackFunc(g.CreatedBy), pr.Process.Package}),
		Kind: findings.KindBlockedForever, Severity: sev, Confidence: conf, Package: pr.Process.Package, Test: g.test,
		Title:    title,
		Message:  msg,
		Locks:    locks,
		Evidence: evs,
		Advice:   advice,
	}
}

// leakProof says how a leaked goroutine is known to be leaked.
func leakProof(g *leakG, profile bool) string {
	switch {
	case g.proven:
		return "The Go runtime's goroutine leak profile proved it leaked: nothing a runnable goroutine can reach will ever unblock it."
	case !g.atEnd:
		return "It was still blocked when the target ended."
	case profile:
		return "It was still blocked when the test ended (lockscope waited up to a second for it to exit); the leak profile did not prove it leaked, so what it waits for is still reachable, from a global variable or a goroutine still running."
	}
	return "It was still blocked when the test ended (lockscope waited up to a second for it to exit); this toolchain has no goroutine leak profile to prove it (Go 1.26 or later has one)."
}

// testOf is the test goroutine id of pr (live, or nil if it ended)
// belongs to: a live goroutine's test label, or the first test at whose end
// the runtime saw it gone holding locks; "" for none.
func (p *pass) testOf(pr *proc, id int64, live *gotext.Stack) string {
	if live != nil {
		return live.Test
	}
	for _, ev := range pr.TestEnds {
		for _, g := range ev.Goroutines {
			if g.ID == id {
				return ev.Test
			}
		}
	}
	return ""
}

// blameTest names test in f, a lock-leak, and in its ID.
func blameTest(f *findings.Finding, test string) {
	if test == "" {
		return
	}
	f.Test = test
	f.Message += fmt.Sprintf(" It happened in test %s.", test)
	f.ID = findings.Fingerprint(f.Kind, []string{f.ID, "test=" + test}, nil)
}

// leakWaits is what pr's last lock snapshot and execution trace say of
// its leaked goroutines' waits, read once for all its leak findings.
type leakWaits struct {
	pr      *proc
	w       *waitFor                // nil without a lock snapshot
	alive   map[int64]*gotext.Stack // the snapshot's dump; nil without one
	sum     *gtrace.Summary
	inTrace map[int64]*gtrace.Goroutine // waiting at the trace's end
}

func (p *pass) leakWaitsOf(pr *proc) *leakWaits {
	lw := &leakWaits{pr: pr, sum: p.traceOf(pr), inTrace: map[int64]*gtrace.Goroutine{}}
	if snap := latestSnapshot(pr); snap != nil {
		lw.w = newWaitFor(pr, snap)
		if snap.Dump != "" {
			lw.alive = gotext.StackByID(gotext.ParseDump(snap.Dump))
		}
	}
	if lw.sum != nil {
		for i := range lw.sum.Goroutines {
			if g := &lw.sum.Goroutines[i]; g.State == gtrace.StateWaiting {
				lw.inTrace[g.ID] = g
			}
		}
	}
	return lw
}

// blockedFor says how long leaked goroutine g had been blocked when the
// target ended or was stopped (" for 2.999s"): the lock snapshot's record
// for a lock wait, else the execution trace, else the dump's own minutes;
// "" when none of them knows.
func (lw *leakWaits) blockedFor(g *leakG) string {
	if lw.w != nil {
		if eg := lw.w.gs[g.ID]; eg != nil {
			if s := lw.w.waited(eg); s != "" {
				return s
			}
		}
	}
	if tg := lw.inTrace[g.ID]; tg != nil {
		return " " + traceWait(lw.sum, tg)
	}
	if g.Wait != "" {
		return " for " + g.Wait
	}
	return ""
}

// lock names the instrumented lock leaked goroutine id waits for, by the
// lock snapshot, and says who holds it, pointing at the lock-leak finding
// when the holder ended holding it; "" when it waits for no instrumented
// lock.
func (lw *leakWaits) lock(id int64) (class, note string) {
	if lw.w == nil {
		return "", ""
	}
	g := lw.w.gs[id]
	if g == nil || g.Waiting == nil {
		return "", ""
	}
	note = "It waits for " + lw.pr.InstName(*g.Waiting)
	for i, h := range lw.w.on[id] {
		sep := ", held by"
		if i > 0 {
			sep = " and"
		}
		note += fmt.Sprintf("%s goroutine %d", sep, h)
		if _, ok := lw.alive[h]; !ok && lw.alive != nil {
			note += ", which ended without unlocking it (see the lock-leak finding)"
		}
	}
	return lw.pr.ClassName(*g.Waiting), note + "."
}
