package findings

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// Baseline is a set of accepted findings, saved by `lockscope baseline` and
// applied with --baseline: findings in it are still reported but do not fail
// the build, so that only new ones do. Findings are matched by ID, which
// survives line shifts, reformatting and renamed tests.
type Baseline struct {
	Version  int             `json:"version"` // 1
	Tool     Tool            `json:"tool"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted finding: its ID and enough to name it when
// it is reported fixed.
type BaselineEntry struct {
	ID       string   `json:"id"`
	Kind     Kind     `json:"kind"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
	Locks    []string `json:"locks,omitempty"`
	// Package is the test package or program the finding came from; empty
	// when it spans several.
	Package string `json:"package,omitempty"`
}

// Active reports whether f counts for --fail-on: it is neither baselined nor
// suppressed.
func (f *Finding) Active() bool { return !f.Baselined && f.Suppression == nil }

// NewBaseline accepts every finding of res that is not suppressed (those
// need no baseline), sorted by ID so that the file diffs well.
func NewBaseline(res *Result) *Baseline {
	b := &Baseline{Version: 1, Tool: res.Tool, Findings: []BaselineEntry{}}
	for _, f := range res.Findings {
		if f.Suppression != nil {
			continue
		}
		b.Findings = append(b.Findings, BaselineEntry{ID: f.ID, Kind: f.Kind, Severity: f.Severity,
			Title: f.Title, Locks: f.Locks, Package: f.Package})
	}
	slices.SortFunc(b.Findings, func(x, y BaselineEntry) int {
		if x.ID < y.ID {
			return -1
		}
		if x.ID > y.ID {
			return 1
		}
		return 0
	})
	b.Findings = slices.CompactFunc(b.Findings, func(x, y BaselineEntry) bool { return x.ID == y.ID })
	return b
}

// ReadBaseline decodes a baseline file. A findings.json is accepted too, as
// if `lockscope baseline` had been run on it.
func ReadBaseline(r io.Reader) (*Baseline, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	var probe struct {
		Version  int             `json:"version"`
		Target   *Target         `json:"target"`
		Findings json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not a lockscope baseline: %w", err)
	}
	if probe.Version != 1 {
		return nil, fmt.Errorf("baseline version %d; this lockscope reads version 1", probe.Version)
	}
	if probe.Target != nil { // a findings.json
		var res Result
		if err := json.Unmarshal(data, &res); err != nil {
			return nil, fmt.Errorf("not a findings.json: %w", err)
		}
		return NewBaseline(&res), nil
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("not a lockscope baseline: %w", err)
	}
	for i, e := range b.Findings {
		if e.ID == "" {
			return nil, fmt.Errorf("baseline entry %d has no id", i+1)
		}
	}
	return &b, nil
}

// Write writes b as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(b)
}

// Apply marks the findings of res that b accepts as baselined, records name
// as res.Baseline, and lists in res.Fixed the entries of b that this run no
// longer saw. An entry of a package that res did not run is not called fixed:
// a shard of a CI matrix only speaks for its own packages.
func (b *Baseline) Apply(res *Result, name string) {
	accepted := map[string]bool{}
	for _, e := range b.Findings {
		accepted[e.ID] = true
	}
	seen := map[string]bool{}
	for i := range res.Findings {
		f := &res.Findings[i]
		seen[f.ID] = true
		if accepted[f.ID] {
			f.Baselined = true
		}
	}
	ran := map[string]bool{}
	for _, r := range res.Runs {
		ran[r.Package] = true
	}
	res.Baseline = name
	res.Fixed = nil
	for _, e := range b.Findings {
		if seen[e.ID] || (e.Package != "" && len(ran) > 0 && !ran[e.Package]) {
			continue
		}
		res.Fixed = append(res.Fixed, e)
	}
}
