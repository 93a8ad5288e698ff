package findings

import (
	"slices"
	"testing"
)

// TestSeverityOrder: the --fail-on verdict ranks error over warning over
// info, and "never" fails nothing.
func TestSeverityOrder(t *testing.T) {
	tests := []struct {
		s, level Severity
		want     bool
	}{
		{Error, Error, true}, {Error, Warning, true}, {Error, Info, true},
		{Warning, Error, false}, {Warning, Warning, true}, {Warning, Info, true},
		{Info, Warning, false}, {Info, Info, true},
		{Error, Never, false}, {Never, Never, false},
	}
	for _, tt := range tests {
		if got := tt.s.AtLeast(tt.level); got != tt.want {
			t.Errorf("%s.AtLeast(%s) = %v, want %v", tt.s, tt.level, got, tt.want)
		}
	}
	sorted := slices.SortedFunc(slices.Values([]Severity{Info, Error, Warning}), Severity.Compare)
	if !slices.Equal(sorted, Severities) {
		t.Errorf("sorted %v, want %v", sorted, Severities)
	}
}

func TestParseFailOn(t *testing.T) {
	for in, want := range map[string]Severity{"": Error, "error": Error, "warning": Warning, "info": Info, "never": Never} {
		if got, err := ParseFailOn(in); err != nil || got != want {
			t.Errorf("ParseFailOn(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseFailOn("fatal"); err == nil {
		t.Error("ParseFailOn accepted fatal")
	}
}

// TestFailing: only active findings at or above the level fail a run.
func TestFailing(t *testing.T) {
	r := &Result{Findings: []Finding{
		{ID: "e", Severity: Error},
		{ID: "w", Severity: Warning},
		{ID: "i", Severity: Info},
		{ID: "base", Severity: Error, Baselined: true},
		{ID: "sup", Severity: Error, Suppression: &Suppression{Source: "comment"}},
	}}
	ids := func(fs []*Finding) (out []string) {
		for _, f := range fs {
			out = append(out, f.ID)
		}
		return out
	}
	for level, want := range map[Severity][]string{"": {"e"}, Error: {"e"}, Warning: {"e", "w"}, Info: {"e", "w", "i"}, Never: nil} {
		if got := ids(r.Failing(level)); !slices.Equal(got, want) {
			t.Errorf("Failing(%q) = %v, want %v", level, got, want)
		}
	}
}
