package findings

import (
	"bytes"
	"strings"
	"testing"
)

func gateResult() *Result {
	return &Result{Version: 1, Target: Target{Kind: "test", Dir: "/mod"},
		Runs: []RunSummary{{Run: 1, Package: "m/a"}},
		Findings: []Finding{
			{ID: "a", Kind: "lock-order-cycle", Severity: Error, Title: "A", Package: "m/a"},
			{ID: "b", Kind: "lock-leak", Severity: Warning, Title: "B", Package: "m/a"},
			{ID: "s", Kind: "double-lock", Severity: Error, Title: "S", Suppression: &Suppression{Source: "comment", Reason: "ok"}},
		}}
}

func TestBaselineRoundTripAndApply(t *testing.T) {
	b := NewBaseline(gateResult())
	if len(b.Findings) != 2 || b.Findings[0].ID != "a" || b.Findings[1].ID != "b" {
		t.Fatalf("baseline %+v, want a and b (suppressed s left out)", b.Findings)
	}
	// One accepted finding is gone (fixed), one is new; an entry of a
	// package this run did not cover is not called fixed.
	b.Findings = append(b.Findings, BaselineEntry{ID: "z", Kind: "hang", Package: "m/other"})
	var buf bytes.Buffer
	if err := b.Write(&buf); err != nil {
		t.Fatal(err)
	}
	read, err := ReadBaseline(&buf)
	if err != nil {
		t.Fatal(err)
	}
	res := gateResult()
	res.Findings[1] = Finding{ID: "n", Kind: "lock-leak", Severity: Warning, Title: "new"}
	read.Apply(res, "base.json")
	if !res.Findings[0].Baselined || res.Findings[1].Baselined {
		t.Errorf("baselined flags: %v %v", res.Findings[0].Baselined, res.Findings[1].Baselined)
	}
	if res.Findings[0].Active() || !res.Findings[1].Active() || res.Findings[2].Active() {
		t.Errorf("active: %v %v %v, want false true false", res.Findings[0].Active(), res.Findings[1].Active(), res.Findings[2].Active())
	}
	if len(res.Fixed) != 1 || res.Fixed[0].ID != "b" || res.Baseline != "base.json" {
		t.Errorf("fixed %+v (baseline %q), want only b", res.Fixed, res.Baseline)
	}
}

func TestReadBaselineAcceptsFindingsAndRejectsJunk(t *testing.T) {
	b, err := ReadBaseline(strings.NewReader(`{"version":1,"target":{"kind":"test"},"findings":[{"id":"x","kind":"hang"}]}`))
	if err != nil || len(b.Findings) != 1 || b.Findings[0].ID != "x" {
		t.Errorf("json as baseline: %+v, %v", b, err)
	}
	for _, bad := range []string{`nope`, `{"version":2,"findings":[]}`, `{"version":1,"findings":[{"kind":"hang"}]}`} {
		if _, err := ReadBaseline(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadBaseline(%s) accepted it", bad)
		}
	}
}
