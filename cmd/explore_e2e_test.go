package cmd

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
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

// TestConfirm checks --confirm both ways: the overlapping transfers of
// testdata/confirm deadlock when steered, and the finding says so with a
// replay command for that one test; so does the predicted mixed deadlock
// of testdata/confirm/pipeline; bank-transfer's transfers run one
// after the other, so its cycle is not confirmed, says why, and keeps its
// severity.
func TestConfirm(t *testing.T) {
	t.Run("overlap", func(t *testing.T) {
		t.Parallel()
		out := t.TempDir()
		dir, err := filepath.Abs(filepath.Join("testdata", "confirm"))
		if err != nil {
			t.Fatal(err)
		}
		// A loaded machine can make the plain run deadlock by itself,
		// leaving nothing to confirm: try again rather than skip.
		var f *findings.Finding
		var stderr string
		for try := 0; try < 3 && (f == nil || f.Confidence == findings.Observed); try++ {
			_, _, stderr = lockscope(t, dir, "test", ".", "--confirm", "--timeout", "10s", "--out", out, "--format", "json")
			if f = findKind(readFindings(t, out), "lock-order-cycle"); f == nil {
				t.Fatalf("no lock-order-cycle; stderr:\n%s", stderr)
			}
		}
		if f.Confidence == findings.Observed {
			t.Fatalf("the plain run deadlocked by itself three times; nothing was left to confirm")
		}
		c := f.Confirmation
		if c == nil || c.Status != "confirmed" || len(c.Evidence) == 0 || !strings.Contains(c.Command, "--confirm") ||
			!strings.HasSuffix(c.Command, "-- -run '^TestTransfersOverlap$'") {
			t.Fatalf("confirmation %+v; stderr:\n%s", c, stderr)
		}
	})
	t.Run("mixed", func(t *testing.T) {
		t.Parallel()
		out := t.TempDir()
		dir, err := filepath.Abs(filepath.Join("testdata", "confirm"))
		if err != nil {
			t.Fatal(err)
		}
		// As above: a plain run that hung by itself is tried again.
		var res *findings.Result
		var stderr string
		for try := 0; try < 3 && (res == nil || findKind(res, "hang") != nil); try++ {
			_, _, stderr = lockscope(t, dir, "test", "./pipeline", "--confirm", "--timeout", "10s", "--out", out, "--format", "json")
			res = readFindings(t, out)
		}
		if findKind(res, "hang") != nil {
			t.Fatalf("the plain run hung by itself three times; nothing was left to confirm")
		}
		f := findKind(res, "mixed-deadlock")
		if f == nil || f.Confidence != findings.Predicted {
			t.Fatalf("no predicted mixed-deadlock: %+v; stderr:\n%s", f, stderr)
		}
		if c := f.Confirmation; c == nil || c.Status != "confirmed" || !strings.HasSuffix(c.Command, "-- -run '^TestProgress$'") {
			t.Fatalf("confirmation %+v; stderr:\n%s", c, stderr)
		}
	})
	t.Run("in-turn", func(t *testing.T) {
		t.Parallel()
		out := t.TempDir()
		lockscope(t, t.TempDir(), "run", "bank-transfer", "--confirm", "--out", out, "--format", "json")
		f := findKind(readFindings(t, out), "lock-order-cycle")
		if f == nil || f.Severity != findings.Error || f.Confirmation == nil {
			t.Fatalf("finding %+v", f)
		}
		if c := f.Confirmation; c.Status != "not-confirmed" || c.Attempts != 3 || !strings.Contains(c.Reason, "one after the other") {
			t.Errorf("confirmation %+v", c)
		}
	})
}

func findKind(res *findings.Result, kind findings.Kind) *findings.Finding {
	for i := range res.Findings {
		if res.Findings[i].Kind == kind {
			return &res.Findings[i]
		}
	}
	return nil
}
