package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema compiles the published SARIF 2.1.0 schema in testdata.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := jsonschema.NewCompiler().Compile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatalf("compile the SARIF schema: %v", err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("SARIF output does not validate against the 2.1.0 schema: %v\n%s", err, data)
	}
}

// gated is sample() with a baseline applied, a suppressed finding, an
// excluded one, an unexplained suppression and a failure with no site.
func gated() *findings.Result {
	res := sample()
	res.Baseline, res.FailOn = "lockscope-baseline.json", findings.Warning
	res.Findings[0].Baselined = true
	res.Findings[1].Suppression = &findings.Suppression{Source: "comment", File: "web/web.go", Line: 12, Reason: "drained at shutdown"}
	res.Fixed = []findings.BaselineEntry{{ID: "c3", Kind: "double-lock", Severity: findings.Error, Title: "old"}}
	res.Findings = append(res.Findings,
		findings.Finding{ID: "d4", Kind: findings.UnexplainedSuppression.Kind, Severity: findings.Warning, Confidence: findings.Observed,
			Title: "no reason", Locks: []string{}, Evidence: []findings.Evidence{{Role: "here", Stack: []findings.Frame{{Func: "web.Serve", File: "/mod/web/web.go", Line: 12}}}}},
		findings.Finding{ID: "e5", Kind: "target-failure", Severity: findings.Error, Confidence: findings.Observed,
			Title: "does not build", Locks: []string{}, Evidence: []findings.Evidence{},
			Suppression: &findings.Suppression{Source: "config", Reason: "excluded path gen/..."}},
		findings.Finding{ID: "f6", Kind: "hang", Severity: findings.Error, Confidence: findings.Observed, Title: "deadlock",
			Locks: []string{"A.mu", "B.mu"}, Package: "example.com/bank", Evidence: []findings.Evidence{
				{Role: "goroutine 1 holds A.mu, waits for B.mu", Stack: []findings.Frame{{Func: "sync.(*Mutex).Lock", File: "/go/src/sync/mutex.go", Line: 1}, {Func: "bank.F", File: "/mod/bank/f.go", Line: 5}}},
				{Role: "goroutine 2 holds B.mu, waits for A.mu", Stack: []findings.Frame{{Func: "bank.G", File: "/mod/bank/g.go", Line: 9}}},
			}})
	return res
}

// sarifDoc is the part of a SARIF log the tests look at.
type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID   string `json:"id"`
					Help struct {
						Text string `json:"text"`
					} `json:"help"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			RelatedLocations    []json.RawMessage `json:"relatedLocations"`
			CodeFlows           []json.RawMessage `json:"codeFlows"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			BaselineState       string            `json:"baselineState"`
			Suppressions        []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := sarifSchema(t)
	for name, res := range map[string]*findings.Result{"sample": sample(), "gated": gated(), "empty": {Version: 1}} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Generate(&buf, "sarif", res); err != nil {
				t.Fatal(err)
			}
			validateSARIF(t, sch, buf.Bytes())
		})
	}
}

// TestSARIFSchemaRejects proves the validator is not a no-op: a level the
// schema does not know is refused.
func TestSARIFSchemaRejects(t *testing.T) {
	var buf bytes.Buffer
	if err := Generate(&buf, "sarif", sample()); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(buf.String(), `"level": "error"`, `"level": "fatal"`, 1)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if sarifSchema(t).Validate(inst) == nil {
		t.Fatal("the schema accepted a result level of \"fatal\"")
	}
}

func TestSARIFContent(t *testing.T) {
	var buf bytes.Buffer
	if err := Generate(&buf, "sarif", gated()); err != nil {
		t.Fatal(err)
	}
	var doc sarifDoc
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	rules := run.Tool.Driver.Rules
	if len(rules) != len(findings.Checks()) {
		t.Errorf("%d rules, want one per finding kind (%d)", len(rules), len(findings.Checks()))
	}
	for _, r := range rules {
		c := findings.Lookup(findings.Kind(r.ID))
		if c == nil && r.ID == string(findings.UnexplainedSuppression.Kind) {
			c = findings.UnexplainedSuppression
		}
		if c == nil || !strings.Contains(r.Help.Text, strings.TrimSpace(c.Advice)) {
			t.Errorf("rule %s: help lacks the check's advice", r.ID)
		}
	}
	byID := map[string]int{}
	for i, r := range run.Results {
		byID[r.PartialFingerprints[fingerprintKey]] = i
		if rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s: ruleIndex %d is rule %s", r.RuleID, r.RuleIndex, rules[r.RuleIndex].ID)
		}
	}
	cycle := run.Results[byID["a1"]]
	loc := cycle.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "bank/bank.go" || loc.ArtifactLocation.URIBaseID != srcRoot || loc.Region.StartLine != 10 {
		t.Errorf("cycle location %+v, want bank/bank.go:10 under %s", loc, srcRoot)
	}
	if cycle.BaselineState != "unchanged" || run.Results[byID["f6"]].BaselineState != "new" {
		t.Errorf("baseline states %q, %q; want unchanged, new", cycle.BaselineState, run.Results[byID["f6"]].BaselineState)
	}
	hang := run.Results[byID["f6"]]
	if got := hang.Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "bank/f.go" {
		t.Errorf("hang located at %s, want the first frame in the module, bank/f.go", got)
	}
	if len(hang.RelatedLocations) != 1 || len(hang.CodeFlows) != 1 {
		t.Errorf("hang: %d related locations, %d code flows; want 1, 1", len(hang.RelatedLocations), len(hang.CodeFlows))
	}
	leak := run.Results[byID["b2"]]
	if len(leak.Suppressions) != 1 || leak.Suppressions[0].Kind != "inSource" || leak.Suppressions[0].Justification != "drained at shutdown" {
		t.Errorf("suppressed leak: %+v", leak.Suppressions)
	}
	if fail := run.Results[byID["e5"]]; len(fail.Locations) != 1 || fail.Suppressions[0].Kind != "external" {
		t.Errorf("failure with no site: locations %+v, suppressions %+v", fail.Locations, fail.Suppressions)
	}
}
