package cmd

import (
	"strconv"
	"strings"
	"testing"
)

// TestExploreSeen runs pool-close-race's buggy variant with exploration
// (which the scenario turns on) over six runs: its panic needs a rare
// interleaving that exploration gives in most runs, and the finding lists
// the runs that saw it, with their seeds, which are consecutive from the
// given one.
func TestExploreSeen(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	code, stdout, stderr := lockscope(t, t.TempDir(), "run", "pool-close-race", "--runs", "6", "--seed", "1000", "--out", out, "--format", "json,text")
	res := readFindings(t, out)
	if code != ExitFindings || !res.PerRun {
		t.Fatalf("exit %d, per-run %v; stderr:\n%s", code, res.PerRun, stderr)
	}
	for i, r := range res.Runs {
		if r.Seed != uint64(1000+i) {
			t.Errorf("run %d has seed %d, want %d", r.Run, r.Seed, 1000+i)
		}
	}
	var seen int
	for _, f := range res.Findings {
		if f.Kind != "target-failure" {
			t.Errorf("unexpected finding %s: %s", f.Kind, f.Title)
			continue
		}
		seen = len(f.Seen)
		for _, s := range f.Seen {
			if s.Seed != uint64(999+s.Run) {
				t.Errorf("seen in run %d with seed %d", s.Run, s.Seed)
			}
		}
		if f.Count != seen {
			t.Errorf("count %d, seen in %d runs", f.Count, seen)
		}
	}
	if seen == 0 {
		t.Fatalf("no run saw the panic; stdout:\n%s", stdout)
	}
	if want := "seen in " + strconv.Itoa(seen) + " of 6 runs"; !strings.Contains(stdout, want) {
		t.Errorf("the text report does not say %q:\n%s", want, stdout)
	}
}

// TestExploreOff checks that --explore=false runs the scenario without
// scheduling points or seeds.
func TestExploreOff(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	lockscope(t, t.TempDir(), "run", "pool-close-race", "--explore=false", "--variant", "fixed", "--out", out, "--format", "json")
	res := readFindings(t, out)
	if res.PerRun || len(res.Runs) != 1 || res.Runs[0].Seed != 0 {
		t.Errorf("per-run %v, runs %+v", res.PerRun, res.Runs)
	}
}
