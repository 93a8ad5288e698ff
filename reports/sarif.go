package reports

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/lockscope/lockscope/findings"
	"github.com/owenrumney/go-sarif/v2/sarif"
)

// srcRoot is the uriBaseId of every location: the target's module root.
const srcRoot = "%SRCROOT%"

// fingerprintKey names lockscope's stable finding ID in partialFingerprints.
const fingerprintKey = "lockscopeId/v1"

// sarifLevel maps a severity to a SARIF result level.
var sarifLevel = map[findings.Severity]string{findings.Error: "error", findings.Warning: "warning", findings.Info: "note"}

// writeSARIF writes a SARIF 2.1.0 log as GitHub code scanning reads it: one
// rule per finding kind, one result per finding located at its first site
// in the target's module (paths relative to the module root), the other
// evidence sites as related locations, a code flow through the steps of a
// cycle, the finding ID as a partial fingerprint, baselined findings as
// "unchanged" and suppressed ones with their justification.
func writeSARIF(w io.Writer, res *findings.Result) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	driver := sarif.NewVersionedDriver("lockscope", res.Tool.Version).
		WithInformationURI("https://github.com/lockscope/lockscope")
	index := map[findings.Kind]int{}
	for _, c := range sarifChecks() {
		index[c.Kind] = len(driver.Rules)
		driver.AddRule(sarifRule(c))
	}
	run := sarif.NewRun(*sarif.NewTool(driver))
	if res.Target.Dir != "" {
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(res.Target.Dir) + "/"}
		run.WithOriginalUriBaseIds(map[string]*sarif.ArtifactLocation{srcRoot: sarif.NewSimpleArtifactLocation(u.String())})
	}
	loc := &sarifLocator{dir: res.Target.Dir}
	for i := range res.Findings {
		f := &res.Findings[i]
		r, err := sarifResult(f, index, loc, res.Baseline != "")
		if err != nil {
			return fmt.Errorf("finding %s: %w", f.ID, err)
		}
		run.AddResult(r)
	}
	run.Properties = sarif.Properties{"target": res.Target.Kind + " " + res.Target.Name}
	if len(res.Fixed) > 0 {
		var fixed []string
		for _, e := range res.Fixed {
			fixed = append(fixed, e.ID)
		}
		run.Properties["fixed"] = fixed
	}
	log.AddRun(run)
	return log.PrettyWrite(w)
}

// sarifChecks is every kind a finding can have, in catalog order.
func sarifChecks() []*findings.Check {
	return findings.Checks()
}

func sarifRule(c *findings.Check) *sarif.ReportingDescriptor {
	doc, advice := strings.TrimSpace(c.Doc), strings.TrimSpace(c.Advice)
	rule := sarif.NewRule(string(c.Kind)).WithName(ruleName(c.Kind)).
		WithShortDescription(sarif.NewMultiformatMessageString(c.Title)).
		WithFullDescription(sarif.NewMultiformatMessageString(doc)).
		WithHelp(sarif.NewMultiformatMessageString(doc + "\n\nHow to fix it: " + advice).
			WithMarkdown(doc + "\n\n**How to fix it.** " + advice)).
		WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: sarifLevel[c.Severity]})
	rule.WithProperties(sarif.Properties{"tags": []string{"concurrency", "lockscope"}})
	return rule
}

// ruleName turns "lock-order-cycle" into "LockOrderCycle", as SARIF rule
// names are written.
func ruleName(kind findings.Kind) string {
	var b strings.Builder
	for _, part := range strings.Split(string(kind), "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func sarifResult(f *findings.Finding, index map[findings.Kind]int, loc *sarifLocator, baselined bool) (*sarif.Result, error) {
	ri, ok := index[f.Kind]
	if !ok {
		return nil, fmt.Errorf("unknown finding kind %q", f.Kind)
	}
	text := f.Title
	if f.Message != "" {
		text += "\n\n" + f.Message
	}
	if f.Advice != "" {
		text += "\n\nHow to fix it: " + f.Advice
	}
	r := sarif.NewRuleResult(string(f.Kind)).WithRuleIndex(ri).WithLevel(sarifLevel[f.Severity]).
		WithMessage(sarif.NewTextMessage(text))
	r.PartialFingerprints = map[string]interface{}{fingerprintKey: f.ID}
	sites := loc.sites(f)
	if len(sites) > 0 {
		r.Locations = []*sarif.Location{sites[0].location(0, "")}
	} else {
		r.Locations = []*sarif.Location{loc.fallback()}
	}
	for i, s := range sites[min(1, len(sites)):] {
		r.RelatedLocations = append(r.RelatedLocations, s.location(i+1, s.role))
	}
	if flow := codeFlow(f, sites); flow != nil {
		r.CodeFlows = []*sarif.CodeFlow{flow}
	}
	if baselined {
		state := "new"
		if f.Baselined {
			state = "unchanged"
		}
		r.BaselineState = &state
	}
	if s := f.Suppression; s != nil {
		r.Suppressions = []*sarif.Suppression{loc.suppression(f, s)}
	}
	props := sarif.Properties{"confidence": f.Confidence, "locks": f.Locks, "count": max(f.Count, 1)}
	if f.Package != "" {
		props["package"] = f.Package
	}
	if f.Test != "" {
		props["test"] = f.Test
	}
	if f.Level != "" {
		props["level"] = f.Level
	}
	if f.Concurrent != nil {
		props["concurrent"] = *f.Concurrent
	}
	r.Properties = props
	return r, nil
}

// codeFlow walks the steps of a cycle: one location per evidence, in the
// finding's order (each goroutine's acquisition that closes the next edge).
func codeFlow(f *findings.Finding, sites []sarifSite) *sarif.CodeFlow {
	switch f.Kind {
	case findings.KindLockOrderCycle, findings.KindHang, findings.KindMixedDeadlock:
	default:
		return nil
	}
	if len(sites) < 2 {
		return nil
	}
	var steps []*sarif.ThreadFlowLocation
	for _, s := range sites {
		steps = append(steps, sarif.NewThreadFlowLocation().WithLocation(s.location(-1, s.role)))
	}
	tf := sarif.NewThreadFlow().WithLocations(steps)
	return sarif.NewCodeFlow().WithThreadFlows([]*sarif.ThreadFlow{tf}).
		WithMessage(sarif.NewTextMessage(fmt.Sprintf("%d steps of %s", len(steps), strings.Join(f.Locks, ", "))))
}

// sarifSite is one evidence's first frame inside the module.
type sarifSite struct {
	rel, role string
	line      int
}

func (s sarifSite) location(id int, msg string) *sarif.Location {
	l := sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(s.rel).WithUriBaseId(srcRoot)).
		WithRegion(sarif.NewRegion().WithStartLine(max(s.line, 1))))
	if id >= 0 {
		l.WithId(id)
	}
	if msg != "" {
		l.WithMessage(sarif.NewTextMessage(msg))
	}
	return l
}

// sarifLocator turns stack frames into module-relative locations.
type sarifLocator struct{ dir string }

// sites returns the first in-module frame of each evidence, deduplicated.
func (l *sarifLocator) sites(f *findings.Finding) []sarifSite {
	var out []sarifSite
	for _, ev := range f.Evidence {
		for _, fr := range ev.Stack {
			if rel, ok := l.rel(fr.File); ok {
				out = append(out, sarifSite{rel: rel, line: fr.Line, role: ev.Role})
				break
			}
		}
	}
	return out
}

func (l *sarifLocator) rel(file string) (string, bool) {
	if l.dir == "" || !filepath.IsAbs(file) {
		return "", false
	}
	rel, err := filepath.Rel(l.dir, file)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// fallback locates a finding with no site in the module (a build failure,
// a crash outside the user's code) at the module's go.mod, since code
// scanning needs a location for every result.
func (l *sarifLocator) fallback() *sarif.Location {
	return sarifSite{rel: "go.mod", line: 1}.location(0, "")
}

func (l *sarifLocator) suppression(f *findings.Finding, s *findings.Suppression) *sarif.Suppression {
	kind, site := "inSource", sarifSite{rel: s.File, line: s.Line}
	if s.Source == "config" {
		kind = "external"
		site.rel = ".lockscope.yaml"
		site.line = 1
	}
	if site.rel == "" {
		site.rel = "go.mod"
	}
	status, reason, guid := "accepted", s.Reason, sarifGUID(f.ID+"\x00suppression")
	return &sarif.Suppression{Kind: kind, Status: &status, Justification: &reason, Guid: &guid,
		Location: site.location(-1, "")}
}

// sarifGUID derives a stable GUID from a string, shaped as a name-based
// (version 5, RFC 4122 variant) UUID as the schema requires.
func sarifGUID(s string) string {
	h := sha256.Sum256([]byte(s))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
