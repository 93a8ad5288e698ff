package findings

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Suppression says why a finding does not count: a lockscope:ignore comment
// in the code, or a path excluded in the configuration.
type Suppression struct {
	// Source is "comment" or "config".
	Source string `json:"source"`
	// File and Line are where the comment is (module-relative, slashes),
	// or the excluded site.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason"`
}

// Directive is the comment that suppresses a finding kind at a lock
// acquisition: on the acquisition's line, or alone on the line above.
//
//	mu.Lock() //lockscope:ignore double-lock the caller never holds mu here
const Directive = "//lockscope:ignore"

// UnexplainedSuppression is the kind of the warning for a Directive that
// gives no reason. It is a check value like the catalog's, produced by
// ApplySuppressions rather than by a pass over the events.
var UnexplainedSuppression = &Check{
	Kind: KindUnexplainedSuppression, Title: "A lockscope:ignore comment gives no reason", Severity: Warning,
	Doc:    `A //lockscope:ignore KIND comment suppresses findings of KIND at the lock acquisition on its line or the line below, and must say why: "//lockscope:ignore lock-order-cycle init runs before any other goroutine starts". A suppression without a reason still suppresses, but is reported as this warning, so that a reviewer sees what was silenced and nobody has to guess later whether it is still right.`,
	Advice: `Add the reason after the kind, in words a reviewer can check, or remove the comment and fix the finding.`,
}

// Source limits: lines are read only from frames of the target's own
// module, at most maxSourceFiles files and maxSourceBytes of each.
const (
	maxSourceFiles = 512
	maxSourceBytes = 4 << 20
)

// ApplySuppressions marks findings suppressed by a Directive at one of their
// evidence sites: for each evidence stack, the first frame inside the
// module (res.Target.Dir), read through src, which is rooted at that
// directory. A Directive without a reason still suppresses and adds an
// UnexplainedSuppression warning. Findings already suppressed are left as
// they are. Unreadable files are skipped: a missing comment is the safe
// side.
func ApplySuppressions(res *Result, src fs.FS) {
	r := &sourceReader{src: NewSourceLines(src, maxSourceFiles, maxSourceBytes, 64<<20), dir: res.Target.Dir}
	var warns []Finding
	seen := map[string]bool{}
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Suppression != nil || f.Kind == UnexplainedSuppression.Kind {
			continue
		}
		for _, ev := range f.Evidence {
			rel, fr, ok := r.site(ev.Stack)
			if !ok {
				continue
			}
			line, reason, ok := r.directive(rel, fr.Line, f.Kind)
			if !ok {
				continue
			}
			f.Suppression = &Suppression{Source: "comment", File: rel, Line: line, Reason: reason}
			if reason == "" {
				f.Suppression.Reason = "(no reason given)"
				if key := fmt.Sprintf("%s:%d", rel, line); !seen[key] {
					seen[key] = true
					warns = append(warns, unexplained(f, rel, line, fr))
				}
			}
			break
		}
	}
	res.Findings = Sort(append(res.Findings, warns...))
}

func unexplained(f *Finding, rel string, line int, fr Frame) Finding {
	c := UnexplainedSuppression
	return Finding{
		ID:   Fingerprint(c.Kind, nil, []string{rel, string(f.Kind), ShortFunc(fr.Func)}),
		Kind: c.Kind, Severity: c.Severity, Confidence: Observed,
		Title:    fmt.Sprintf("%s %s at %s:%d gives no reason", Directive, f.Kind, rel, line),
		Message:  fmt.Sprintf("The comment at %s:%d suppresses %s (%s) without saying why.", rel, line, f.Kind, f.Title),
		Locks:    []string{},
		Evidence: []Evidence{{Role: "the unexplained suppression", Stack: []Frame{{Func: fr.Func, File: fr.File, Line: line}}}},
		Advice:   c.Advice, Count: 1, Package: f.Package,
	}
}

// Exclude marks suppressed the findings whose every evidence site lies in
// an excluded path. Patterns are module-relative with slashes: a directory
// ("internal/legacy", "internal/legacy/..."), or a path.Match pattern
// ("gen/*.go"). Findings with no site in the module are never excluded.
func Exclude(res *Result, patterns []string) {
	if len(patterns) == 0 {
		return
	}
	r := &sourceReader{dir: res.Target.Dir}
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Suppression != nil {
			continue
		}
		var first, pattern string
		for _, ev := range f.Evidence {
			rel, _, ok := r.site(ev.Stack)
			if !ok {
				continue
			}
			p := matchAny(patterns, rel)
			if p == "" {
				pattern = ""
				break
			}
			if pattern == "" {
				first, pattern = rel, p
			}
		}
		if pattern != "" {
			f.Suppression = &Suppression{Source: "config", File: first, Reason: "excluded path " + pattern}
		}
	}
}

// matchAny returns the first pattern that rel matches, or "".
func matchAny(patterns []string, rel string) string {
	for _, p := range patterns {
		dir := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(p, "/..."), "/**"), "/")
		if rel == dir || strings.HasPrefix(rel, dir+"/") {
			return p
		}
		if ok, _ := path.Match(p, rel); ok {
			return p
		}
	}
	return ""
}

// sourceReader finds the module's frames of a finding and reads their lines.
type sourceReader struct {
	src *SourceLines // module-relative paths; nil when there is no source
	dir string       // the module root frames are judged against
}

// site returns the first frame of st inside the module, and its path
// relative to the module root.
func (r *sourceReader) site(st []Frame) (string, Frame, bool) {
	if r.dir == "" {
		return "", Frame{}, false
	}
	for _, fr := range st {
		rel, err := filepath.Rel(r.dir, fr.File)
		if err != nil || !filepath.IsAbs(fr.File) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		return filepath.ToSlash(rel), fr, true
	}
	return "", Frame{}, false
}

// directive finds a Directive for kind on line or alone on the line above,
// and returns its line and reason.
func (r *sourceReader) directive(rel string, line int, kind Kind) (int, string, bool) {
	lines := r.lines(rel)
	for _, l := range []int{line, line - 1} {
		if l < 1 || l > len(lines) {
			continue
		}
		text := lines[l-1]
		i := strings.Index(text, Directive)
		if i < 0 || (l == line-1 && strings.TrimSpace(text[:i]) != "") {
			continue
		}
		fields := strings.Fields(text[i+len(Directive):])
		if len(fields) == 0 || !slices.Contains(strings.Split(fields[0], ","), string(kind)) {
			continue
		}
		return l, strings.Join(fields[1:], " "), true
	}
	return 0, "", false
}

func (r *sourceReader) lines(rel string) []string {
	if r.src == nil {
		return nil
	}
	return r.src.Lines(rel)
}
