package cmd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
)

// TestExitSnapshotIsOneCut runs a test that exits while two goroutines
// lock, unlock and end, twenty times. Every verdict built from the exit
// snapshot must come from one consistent cut: no goroutine said to have
// ended holding a lock it unlocks by defer, and no snapshot in which two
// goroutines hold one Mutex at once.
func TestExitSnapshotIsOneCut(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a target twenty times")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "exitbusy"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	code, stdout, stderr := lockscope(t, dir, "test", "--out", out, "--runs", "20", "--format", "json", "./...")
	if code == 2 {
		t.Fatalf("exit 2\n%s\n%s", stdout, stderr)
	}
	for _, f := range readFindings(t, out).Findings {
		if f.Kind == "lock-leak" && f.Severity == "error" {
			t.Errorf("torn read: %s: %s", f.Title, f.Message)
		}
	}
	logs, _ := filepath.Glob(filepath.Join(out, "artifacts", "*.events.jsonl"))
	if len(logs) != 20 {
		t.Fatalf("%d event logs, want 20", len(logs))
	}
	snapshots := 0
	for _, l := range logs {
		f, err := os.Open(l)
		if err != nil {
			t.Fatal(err)
		}
		evs, _, _ := event.ReadAll(f)
		f.Close()
		for _, ev := range evs {
			if ev.Kind != event.KindSnapshot {
				continue
			}
			snapshots++
			holder := map[int64]int64{} // instance -> write holder
			for _, g := range ev.Goroutines {
				for _, h := range g.Held {
					if other, ok := holder[h.Inst]; ok && h.Mode == event.Write {
						t.Errorf("%s: goroutines %d and %d both hold instance %d", filepath.Base(l), other, g.ID, h.Inst)
					}
					if h.Mode == event.Write {
						holder[h.Inst] = g.ID
					}
				}
			}
		}
	}
	if snapshots < 20 {
		t.Errorf("%d exit snapshots in 20 runs", snapshots)
	}
}
