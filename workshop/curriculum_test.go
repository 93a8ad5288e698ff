package workshop

import (
	"strings"
	"testing"

	"github.com/lockscope/lockscope/scenarios"
)

func TestCurriculumCoversTheCatalogue(t *testing.T) {
	if err := checkCurriculum(Curriculum, scenarios.All()); err != nil {
		t.Fatal(err)
	}
}

func TestCheckCurriculum(t *testing.T) {
	all := []*scenarios.Scenario{{Name: "a"}, {Name: "b"}}
	tests := []struct {
		name     string
		sections []Section
		err      string
	}{
		{"missing", []Section{{Title: "s", Scenarios: []string{"a"}}}, `"b" is in no section`},
		{"twice", []Section{{Title: "s", Scenarios: []string{"a", "b"}}, {Title: "t", Scenarios: []string{"a"}}}, `"a" listed twice`},
		{"unknown", []Section{{Title: "s", Scenarios: []string{"a", "b", "c"}}}, `no scenario "c"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkCurriculum(tt.sections, all)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want one containing %q", err, tt.err)
			}
		})
	}
}

// TestScenarioViews renders every scenario's page model: each has a
// section, a narrative, and a side-by-side view where the buggy and the
// fixed code differ somewhere.
func TestScenarioViews(t *testing.T) {
	for _, sc := range scenarios.All() {
		t.Run(sc.Name, func(t *testing.T) {
			v, err := newScenarioView(sc)
			if err != nil {
				t.Fatal(err)
			}
			if v.Section == "" || len(v.Narrative) == 0 || len(v.Files) == 0 {
				t.Fatalf("section %q, %d narrative blocks, %d files", v.Section, len(v.Narrative), len(v.Files))
			}
			if v.Files[0].Name != "main.go" || !v.Files[0].Editable {
				t.Errorf("first file %q (editable %v), want an editable main.go", v.Files[0].Name, v.Files[0].Editable)
			}
			marked := 0
			for _, f := range v.Files {
				for _, l := range append(f.Buggy, f.Fixed...) {
					if l.Changed {
						marked++
					}
				}
			}
			if marked == 0 {
				t.Error("no changed line marked")
			}
		})
	}
}
