package reports

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/lockscope/lockscope/findings"
)

func TestJUnitOneCasePerPackage(t *testing.T) {
	tests := []struct {
		name   string
		res    *findings.Result
		failOn findings.Severity
		// want maps each test case to its failure kinds.
		want map[string][]string
	}{
		{"sample at error", sample(), findings.Error, map[string][]string{
			"example.com/bank": nil, "example.com/web": nil, "test ./...": {"lock-order-cycle"}}},
		{"sample at warning", sample(), findings.Warning, map[string][]string{
			"example.com/bank": nil, "example.com/web": {"lock-leak"}, "test ./...": {"lock-order-cycle"}}},
		{"gated: baselined and suppressed do not fail", gated(), findings.Warning, map[string][]string{
			"example.com/bank": {"hang"}, "example.com/web": nil, "test ./...": {string(findings.UnexplainedSuppression.Kind)}}},
		{"never", sample(), findings.Never, map[string][]string{"example.com/bank": nil, "example.com/web": nil, "test ./...": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.res.FailOn = tt.failOn
			if tt.res.Runs != nil {
				tt.res.Runs = append(tt.res.Runs, findings.RunSummary{Run: 1, Package: "example.com/web"})
			}
			var buf bytes.Buffer
			if err := Generate(&buf, "junit", tt.res); err != nil {
				t.Fatal(err)
			}
			var doc junitSuites
			if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("not XML: %v\n%s", err, buf.String())
			}
			got := map[string][]string{}
			failures := 0
			for _, c := range doc.Suites[0].Cases {
				got[c.Name] = nil
				for _, f := range c.Failures {
					got[c.Name] = append(got[c.Name], f.Type)
					failures++
				}
			}
			if len(got) != len(tt.want) || doc.Failures != failures {
				t.Errorf("cases %v (failures attr %d, counted %d), want %v", got, doc.Failures, failures, tt.want)
			}
			for name, kinds := range tt.want {
				if g, ok := got[name]; !ok || len(g) != len(kinds) || (len(g) > 0 && g[0] != kinds[0]) {
					t.Errorf("case %s: failures %v, want %v\n%s", name, g, kinds, buf.String())
				}
			}
		})
	}
}

// TestJUnitOneCasePerGoTest: every Go test that ran is a case of its own,
// failing on the findings that name it; the package keeps the rest.
func TestJUnitOneCasePerGoTest(t *testing.T) {
	res := &findings.Result{
		Target: findings.Target{Kind: "test", Name: "./..."},
		Tests:  []findings.TestRun{{Package: "example.com/q", Name: "TestDrainer"}, {Package: "example.com/q", Name: "TestClean"}},
		Findings: []findings.Finding{
			{ID: "a", Kind: "blocked-forever", Severity: findings.Error, Confidence: findings.Proven, Title: "TestDrainer leaked 1 goroutine", Package: "example.com/q", Test: "TestDrainer"},
			{ID: "b", Kind: "lock-order-cycle", Severity: findings.Error, Title: "cycle", Package: "example.com/q"},
		},
	}
	var buf bytes.Buffer
	if err := Generate(&buf, "junit", res); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range doc.Suites[0].Cases {
		got[c.Classname+" "+c.Name] = len(c.Failures)
	}
	want := map[string]int{"example.com/q TestDrainer": 1, "example.com/q TestClean": 0, "lockscope.test example.com/q": 1}
	if len(got) != len(want) {
		t.Fatalf("cases %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("case %q: %d failures, want %d (all: %v)", k, got[k], n, got)
		}
	}
}
