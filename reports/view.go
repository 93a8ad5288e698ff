package reports

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/lockscope/lockscope/findings"
)

// The HTML report's bounds. Whatever the size of the result, the page holds
// at most this much, so report.html stays under maxReportBytes (the size
// test holds the writer to it); the rest is in findings.json.
const (
	maxReportBytes = 4 << 20 // the bound on report.html, asserted by TestHTMLSize

	maxCards       = 100  // findings drawn as full cards, most severe first
	maxCardsPerGrp = 20   // full cards per kind; the rest are one-line rows
	maxRows        = 2000 // one-line rows over all groups
	openGroupLimit = 12   // groups with at most this many findings start open
	maxEvidence    = 12   // stacks per card
	stackShown     = 8    // frames shown before "N more frames"
	stackKept      = 64   // frames kept at all per stack
	maxSites       = 12   // source snippets per card
	maxLocks       = 24   // lock names listed per card
	maxText        = 4096 // bytes of a message, advice or role
	maxTitle       = 300  // bytes of a title
	maxWarnings    = 50
	maxRunRows     = 200 // packages in the run breakdown
	maxRunCols     = 20  // runs in the run breakdown
	maxContention  = 50  // locks in the contention table
)

// view is everything report.html.tmpl prints. It is built by newView, which
// does all sorting, grouping, trimming and formatting.
type view struct {
	Title      string
	Summary    summaryView
	Groups     []*groupView
	Graph      *graphView
	Contention *contentionView
	Breakdown  *breakdownView
	Warnings   []string
	MoreWarn   int
	Page       pageAssets
}

type summaryView struct {
	Verdict      string
	VerdictClass string // "bad", "warn" or "ok"
	Severities   []countView
	Kinds        []countView
	Target       string
	TargetKind   string
	Dir          string
	GoVersion    string
	Tool         string
	Runs         int
	Processes    int
	Failed       int // processes that failed or timed out
	Duration     string
	Total        int
}

type countView struct {
	Name  string
	Count int
	Class string
}

// groupView is the findings of one kind.
type groupView struct {
	Kind     findings.Kind
	Anchor   string
	Title    string            // the check's title
	Doc      []string          // paragraphs of findings.Lookup(kind).Doc
	Advice   []string          // paragraphs of findings.Lookup(kind).Advice
	Severity findings.Severity // of its most severe finding
	Count    int
	Open     bool
	Cards    []*cardView
	Rows     []rowView
	Hidden   int // findings neither carded nor rowed
}

// rowView is a finding folded into one line.
type rowView struct {
	Severity                 findings.Severity
	Confidence               findings.Confidence
	Title, Package, Site, ID string
}

type cardView struct {
	// Seen says which runs saw the finding on their own (--runs, --explore).
	Seen string
	// Confirmed and Confirmation are the --confirm outcome.
	Confirmed    bool
	Confirmation string
	Anchor       string
	ID           string
	Kind         findings.Kind
	Severity     findings.Severity
	Confidence   findings.Confidence
	Title        string
	Message      []string // paragraphs
	Locks        []string
	MoreLocks    int
	Package      string
	Count        int
	Level        string
	Concurrency  string // "seen concurrently", "seen at different times" or ""
	Inactive     string // "baselined", "suppressed: <reason>" or "" for a finding that counts
	Cycle        *svgView
	Steps        *stepsView
	WaitFor      []waitRow
	Timeline     *timelineView
	SideBySide   bool
	Sites        []*siteView
	SitesTitle   string // the heading over Sites, in the finding's terms
	Evidence     []evidenceView
	MoreEvid     int
	Advice       string
	Truncated    string
	Output       *outputView
}

type evidenceView struct {
	Role      string
	Goroutine int64
	Held      []string
	Top       string // the first frame, for the folded summary
	Frames    []frameView
	More      []frameView // folded
	MoreStart int         // the number of More's first frame
	Cut       int         // frames left out entirely
}

type frameView struct{ Func, Loc string }

// waitRow is one goroutine of a hang: what it held and what it did.
type waitRow struct {
	Goroutine int64
	Held      []string
	Doing     string
	Where     string
}

// newView builds the page model of res, reading source lines and output
// tails through src.
func newView(res *findings.Result, src *sourceReader) *view {
	v := &view{Page: assets}
	v.Title = "lockscope: " + targetName(res.Target)
	fs := sortedFindings(res.Findings)
	v.Summary = newSummary(res, fs)
	v.Groups = newGroups(res, fs, src)
	v.Graph = newGraphView(res.Graph)
	v.Contention = newContentionView(res.Contention)
	v.Breakdown = newBreakdown(res)
	v.Warnings, v.MoreWarn = capStrings(res.Warnings, maxWarnings)
	return v
}

func targetName(t findings.Target) string {
	name := t.Name
	if name == "" {
		name = "(unnamed target)"
	}
	if t.Variant != "" {
		name += " (" + t.Variant + ")"
	}
	return name
}

// kindRank orders kinds as the analyzer's catalogue does; unknown kinds go last.
func kindRank(kind findings.Kind) int {
	for i, c := range findings.Checks() {
		if c.Kind == kind {
			return i
		}
	}
	return 1 << 20
}

// sortedFindings orders findings most severe first: severity, then kind in
// catalogue order, observed before predicted, most often seen, title, ID.
func sortedFindings(in []findings.Finding) []*findings.Finding {
	out := make([]*findings.Finding, len(in))
	ranks := map[findings.Kind]int{}
	for i := range in {
		out[i] = &in[i]
		if _, ok := ranks[in[i].Kind]; !ok {
			ranks[in[i].Kind] = kindRank(in[i].Kind)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if c := a.Severity.Compare(b.Severity); c != 0 {
			return c < 0
		}
		if ra, rb := ranks[a.Kind], ranks[b.Kind]; ra != rb {
			return ra < rb
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if (a.Confidence == findings.Observed) != (b.Confidence == findings.Observed) {
			return a.Confidence == findings.Observed
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Title != b.Title {
			return a.Title < b.Title
		}
		return a.ID < b.ID
	})
	return out
}

func newSummary(res *findings.Result, fs []*findings.Finding) summaryView {
	s := summaryView{
		Target: targetName(res.Target), TargetKind: res.Target.Kind, Dir: res.Target.Dir,
		GoVersion: res.Target.GoVersion, Runs: res.Target.Runs, Processes: len(res.Runs),
		Tool: strings.TrimSpace(res.Tool.Name + " " + res.Tool.Version), Total: len(fs),
	}
	var ms int64
	for _, r := range res.Runs {
		ms += r.DurationMs
		if r.TimedOut || r.ExitCode != 0 {
			s.Failed++
		}
	}
	s.Duration = (time.Duration(ms) * time.Millisecond).String()
	sev := map[findings.Severity]int{}
	kinds := map[findings.Kind]int{}
	var kindOrder []findings.Kind
	inactive := 0
	for _, f := range fs {
		if f.Active() {
			sev[f.Severity]++
		} else {
			inactive++
		}
		if kinds[f.Kind] == 0 {
			kindOrder = append(kindOrder, f.Kind)
		}
		kinds[f.Kind]++
	}
	for _, sv := range findings.Severities {
		name := string(sv)
		s.Severities = append(s.Severities, countView{Name: name, Count: sev[sv], Class: "sev-" + name})
	}
	for _, k := range kindOrder {
		s.Kinds = append(s.Kinds, countView{Name: string(k), Count: kinds[k], Class: "kind-" + anchorize(string(k))})
	}
	switch {
	case sev[findings.Error] > 0:
		s.Verdict, s.VerdictClass = fmt.Sprintf("%s found", plural(sev[findings.Error], "error")), "bad"
	case len(fs) > inactive:
		s.Verdict, s.VerdictClass = "No errors; "+plural(len(fs)-inactive, "finding")+" to look at", "warn"
	default:
		s.Verdict, s.VerdictClass = "No findings", "ok"
	}
	if inactive > 0 {
		s.Verdict += fmt.Sprintf(" (%d baselined or suppressed)", inactive)
	}
	return s
}

// newGroups groups the sorted findings by kind, in order of first
// appearance, and spends the card and row budgets most severe first.
func newGroups(res *findings.Result, fs []*findings.Finding, src *sourceReader) []*groupView {
	var groups []*groupView
	byKind := map[findings.Kind]*groupView{}
	cards, rows := 0, 0
	for _, f := range fs {
		g := byKind[f.Kind]
		if g == nil {
			g = newGroup(f)
			byKind[f.Kind] = g
			groups = append(groups, g)
		}
		g.Count++
		switch {
		case cards < maxCards && len(g.Cards) < maxCardsPerGrp:
			cards++
			g.Cards = append(g.Cards, newCard(res, f, src, len(g.Cards)))
		case rows < maxRows:
			rows++
			g.Rows = append(g.Rows, newRow(res, f))
		default:
			g.Hidden++
		}
	}
	for _, g := range groups {
		g.Open = g.Count <= openGroupLimit || len(fs) <= openGroupLimit*2
	}
	return groups
}

func newGroup(f *findings.Finding) *groupView {
	g := &groupView{Kind: f.Kind, Anchor: "kind-" + anchorize(string(f.Kind)), Severity: f.Severity, Title: string(f.Kind)}
	if c := findings.Lookup(f.Kind); c != nil {
		g.Title, g.Doc, g.Advice = c.Title, paragraphs(c.Doc), paragraphs(c.Advice)
	}
	return g
}

func newRow(res *findings.Result, f *findings.Finding) rowView {
	r := rowView{Severity: f.Severity, Confidence: f.Confidence, Title: clip(f.Title, maxTitle), Package: f.Package + testSuffix(f.Test), ID: f.ID}
	for _, e := range f.Evidence {
		if len(e.Stack) > 0 {
			r.Site = shortLoc(res.Target.Dir, e.Stack[0])
			break
		}
	}
	return r
}

// anchorize makes s usable in an id attribute: letters, digits and dashes.
func anchorize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// clip cuts s to at most n bytes, at a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + " … (cut; the whole text is in findings.json)"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func capStrings(in []string, n int) ([]string, int) {
	if len(in) <= n {
		return in, 0
	}
	return in[:n], len(in) - n
}

// relPath shows p relative to the module root dir when it is inside it.
func relPath(dir, p string) string {
	if dir == "" || !filepath.IsAbs(p) {
		return p
	}
	if rel, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

func shortLoc(dir string, fr findings.Frame) string {
	return fmt.Sprintf("%s:%d", relPath(dir, fr.File), fr.Line)
}
