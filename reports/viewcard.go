package reports

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/lockscope/lockscope/findings"
)

// scenarioMark starts the analyzer's text drawing of a cycle's interleaving,
// which the HTML shows as a table instead.
const scenarioMark = "Possible unsafe locking scenario:"

func newCard(res *findings.Result, f *findings.Finding, src *sourceReader, i int) *cardView {
	c := &cardView{
		Anchor: "f-" + anchorize(f.ID), ID: f.ID, Kind: f.Kind, Severity: f.Severity,
		Confidence: f.Confidence, Title: clip(f.Title, maxTitle), Package: f.Package + testSuffix(f.Test),
		Count: f.Count, Level: f.Level, Advice: clip(f.Advice, maxText), Truncated: f.Truncated,
		SideBySide: f.Kind == findings.KindDataRace, Seen: findings.SeenWords(res, f),
	}
	if f.Confirmation != nil {
		c.Confirmed = f.Confirmation.Status == "confirmed"
		c.Confirmation = findings.ConfirmationWords(f.Confirmation)
	}
	if f.ID == "" {
		c.Anchor = fmt.Sprintf("f-%s-%d", anchorize(string(f.Kind)), i)
	}
	c.Locks, c.MoreLocks = capStrings(f.Locks, maxLocks)
	if f.Concurrent != nil {
		c.Concurrency = "seen at different times"
		if *f.Concurrent {
			c.Concurrency = "seen concurrently"
		}
	}
	msg := f.Message
	if f.Kind == findings.KindLockOrderCycle && len(f.Locks) >= 2 {
		c.Cycle = newCycleView(res.Target.Dir, f)
		c.Steps = newSteps(res, f)
		if i := strings.Index(msg, scenarioMark); i >= 0 && c.Steps != nil {
			msg = msg[:i]
		}
	}
	c.Message = paragraphs(clip(msg, maxText))
	if f.Kind == findings.KindHang {
		c.WaitFor = waitRows(res.Target.Dir, f)
	}
	c.Timeline = newTimelineView(f.Timeline)
	for j, e := range f.Evidence {
		if j == maxEvidence {
			c.MoreEvid = len(f.Evidence) - j
			break
		}
		c.Evidence = append(c.Evidence, newEvidence(res.Target.Dir, e))
	}
	c.Sites = cardSites(res.Target.Dir, f, src)
	c.SitesTitle = sitesTitle(f.Kind)
	c.Inactive = inactive(f)
	if f.Kind == findings.KindTargetFailure || f.Kind == findings.KindHang {
		c.Output = failedOutput(res, f.Package, src)
	}
	return c
}

// paragraphs splits text at blank lines; lines inside a paragraph keep
// their breaks through CSS (white-space: pre-line).
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if p = strings.TrimRight(p, " \n"); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func newEvidence(dir string, e findings.Evidence) evidenceView {
	ev := evidenceView{Role: clip(e.Role, maxText), Goroutine: e.Goroutine, Held: e.Held}
	if len(ev.Held) > maxLocks {
		ev.Held = ev.Held[:maxLocks]
	}
	stack := e.Stack
	if len(stack) > stackKept {
		ev.Cut = len(stack) - stackKept
		stack = stack[:stackKept]
	}
	ev.MoreStart = stackShown + 1
	for i, fr := range stack {
		fv := frameView{Func: fr.Func, Loc: shortLoc(dir, fr)}
		if i == 0 {
			ev.Top = findings.ShortFunc(fr.Func) + " at " + fv.Loc
		}
		if i < stackShown {
			ev.Frames = append(ev.Frames, fv)
		} else {
			ev.More = append(ev.More, fv)
		}
	}
	return ev
}

// stepsView is the interleaving that deadlocks: one column per goroutine,
// one row per step, ending in the deadlock.
type stepsView struct {
	Goroutines []string // column headings
	Rows       []stepRow
}

type stepRow struct {
	N     int
	Cells []stepCell
}

type stepCell struct {
	Text   string
	Func   string
	Blocks bool
}

// newSteps lays out the cycle's deadlock: goroutine i takes Locks[i], then
// each goroutine blocks on the lock the next one holds.
func newSteps(res *findings.Result, f *findings.Finding) *stepsView {
	k := len(f.Locks)
	if k < 2 || k > 12 {
		return nil
	}
	s := &stepsView{}
	for i := range k {
		s.Goroutines = append(s.Goroutines, fmt.Sprintf("goroutine %d", i+1))
	}
	for i := range k {
		row := stepRow{N: i + 1, Cells: make([]stepCell, k)}
		row.Cells[i] = stepCell{Text: verbOf(res.Graph, f.Locks[i], f.Locks[(i+1)%k], 0) + " " + f.Locks[i], Func: edgeFunc(f, i)}
		s.Rows = append(s.Rows, row)
	}
	for i := range k {
		row := stepRow{N: k + i + 1, Cells: make([]stepCell, k)}
		next := (i + 1) % k
		row.Cells[i] = stepCell{
			Text:   fmt.Sprintf("%s %s: blocks, held by goroutine %d", verbOf(res.Graph, f.Locks[i], f.Locks[next], 1), f.Locks[next], next+1),
			Func:   edgeFunc(f, i),
			Blocks: true,
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}

// edgeFunc is the function that takes the cycle's i-th edge, from its
// evidence (the analyzer lists one evidence per edge, in cycle order).
func edgeFunc(f *findings.Finding, i int) string {
	if i < len(f.Evidence) && len(f.Evidence[i].Stack) > 0 {
		return findings.ShortFunc(f.Evidence[i].Stack[0].Func)
	}
	return ""
}

// verbOf says "rlock" when the graph records the edge from -> to only
// with read acquisitions on one side: 0 the held lock, 1 the acquired one.
func verbOf(g findings.Graph, from, to string, side int) string {
	from, to = className(from), className(to)
	for _, e := range g.Edges {
		if e.From != from || e.To != to || len(e.Modes) == 0 {
			continue
		}
		read := true
		for _, m := range e.Modes {
			parts := strings.Split(m, "->")
			if len(parts) != 2 || parts[side] != "r" {
				read = false
			}
		}
		if read {
			return "rlock"
		}
	}
	return "lock"
}

// className turns an instance name, "Account.mu#2 (first locked at
// main.go:38)", into its class, "Account.mu".
func className(name string) string {
	if i := strings.Index(name, " ("); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndex(name, "#"); i >= 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i]
		}
	}
	return name
}

// heldAt finds "(acquired at main.go:36)" in an evidence role: where the
// held lock was taken. The file is resolved next to the evidence's frames.
var heldAt = regexp.MustCompile(`\(acquired at ([^():\s]+\.go):(\d+)\)`)

// cardSites are the acquisition sites of a finding: the top frame of every
// stack, and the site where each held lock was acquired, once each.
func cardSites(dir string, f *findings.Finding, src *sourceReader) []*siteView {
	var out []*siteView
	seen := map[string]*siteView{}
	add := func(fr findings.Frame, what string) {
		key := fmt.Sprintf("%s:%d", fr.File, fr.Line)
		if s, ok := seen[key]; ok {
			if s != nil && what != "" && !strings.Contains(s.What, what) {
				s.What = strings.TrimPrefix(s.What+"; "+what, "; ")
			}
			return
		}
		if len(out) == maxSites {
			return
		}
		seen[key] = nil
		if lines := src.snippet(fr.File, fr.Line); lines != nil {
			s := &siteView{Loc: shortLoc(dir, fr), Func: findings.ShortFunc(fr.Func), What: what, Lines: lines}
			seen[key] = s
			out = append(out, s)
		}
	}
	for i, e := range f.Evidence {
		if len(e.Stack) == 0 {
			continue
		}
		top := e.Stack[0]
		if m := heldAt.FindStringSubmatch(e.Role); m != nil && len(e.Held) > 0 {
			if line, err := strconv.Atoi(m[2]); err == nil {
				if file := siblingFile(e.Stack, m[1]); file != "" {
					add(findings.Frame{Func: top.Func, File: file, Line: line}, "takes "+e.Held[len(e.Held)-1])
				}
			}
		}
		add(top, acquiredWhat(f, i))
	}
	return out
}

// acquiredWhat describes what the top frame of the i-th evidence does, for
// the snippet's heading: for a cycle, the lock the edge acquires.
func acquiredWhat(f *findings.Finding, i int) string {
	if f.Kind == findings.KindLockOrderCycle && len(f.Locks) > 0 && i < len(f.Locks) {
		return "takes " + f.Locks[(i+1)%len(f.Locks)]
	}
	return ""
}

// siblingFile finds base among the stack's files.
func siblingFile(stack []findings.Frame, base string) string {
	for _, fr := range stack {
		if filepath.Base(fr.File) == base {
			return fr.File
		}
	}
	return ""
}

// waitRows is the who-holds-who-waits table of a hang, one row per
// goroutine in its evidence.
func waitRows(dir string, f *findings.Finding) []waitRow {
	var out []waitRow
	for i, e := range f.Evidence {
		if i == maxEvidence {
			break
		}
		r := waitRow{Goroutine: e.Goroutine, Held: e.Held, Doing: clip(e.Role, 512)}
		if len(e.Stack) > 0 {
			r.Where = findings.ShortFunc(e.Stack[0].Func) + " at " + shortLoc(dir, e.Stack[0])
		}
		out = append(out, r)
	}
	return out
}

// failedOutput is the output tail of the first failed or stopped run of pkg.
func failedOutput(res *findings.Result, pkg string, src *sourceReader) *outputView {
	for _, r := range res.Runs {
		if r.Package != pkg || (r.ExitCode == 0 && !r.TimedOut) || r.Output == "" {
			continue
		}
		if lines, cut := src.tail(r.Output); lines != nil {
			return &outputView{Path: r.Output, Run: runName(r), Lines: lines, Cut: cut}
		}
	}
	return nil
}

// sitesTitle heads a card's source snippets in the terms of its kind.
func sitesTitle(kind findings.Kind) string {
	switch kind {
	case findings.KindDataRace:
		return "Where the accesses are"
	case findings.KindBlockedForever, findings.KindBlockingUnderLock, findings.KindMixedDeadlock, findings.KindHang:
		return "Where the goroutines are"
	case findings.KindTargetFailure:
		return "Where it failed"
	}
	return "Where the locks are taken"
}

// inactive says why a finding does not count for --fail-on, or "".
func inactive(f *findings.Finding) string {
	switch {
	case f.Suppression != nil:
		return clip("suppressed: "+f.Suppression.Reason, maxTitle)
	case f.Baselined:
		return "baselined"
	}
	return ""
}
