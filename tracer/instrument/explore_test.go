package instrument

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExplorePoints checks that Config.Explore puts a scheduling point
// before each concurrency operation of testdata/explore, on the
// operation's own line (every line marked "// point: OP" gets exactly one,
// numbered in order, others none), and that without Explore there is none.
func TestExplorePoints(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "explore"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Instrument(context.Background(), Config{Dir: dir, WorkDir: t.TempDir(), Runtime: fakeRuntime(), Explore: true})
	if err != nil {
		t.Fatal(err)
	}
	in := &instrumented{res: res, dir: dir, overlay: readOverlay(t, res.OverlayFile)}
	n := 0
	var got []string
	for _, name := range []string{"explore.go", "tricky.go"} {
		got = strings.Split(in.rewritten(t, name), "\n")
		orig, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Split(string(orig), "\n")
		if len(got) != len(want) {
			t.Fatalf("%s: %d lines after the rewrite, %d before", name, len(got), len(want))
		}
		for i, line := range want {
			_, op, marked := strings.Cut(line, "// point: ")
			points := strings.Count(got[i], "Point(")
			switch {
			case marked && points != 1:
				t.Errorf("%s:%d: %d points, want one before %s:\n%s", name, i+1, points, op, got[i])
			case !marked && points != 0:
				t.Errorf("%s:%d: %d points, want none:\n%s", name, i+1, points, got[i])
			case marked:
				n++
				if p := res.Points[n-1]; p.Line != i+1 || p.Op != op || filepath.Base(p.File) != name {
					t.Errorf("point %d is %s at %s:%d, want %s at %s:%d", p.ID, p.Op, filepath.Base(p.File), p.Line, op, name, i+1)
				}
			}
		}
		if name == "explore.go" && !strings.Contains(got[18], "lockscopert.LockPoint(1); p.mu.LockAt(") {
			t.Errorf("explore.go:19: %s", got[18])
		}
	}
	if len(res.Points) != n {
		t.Errorf("%d points in the table, %d in the files", len(res.Points), n)
	}
	// got is tricky.go: only Choose's first select is rewritten.
	text := strings.Join(got, "\n")
	if c := strings.Count(text, "SelectStart("); c != 1 || strings.Count(text, "SelectChan(") != 2 ||
		!strings.Contains(text, "case v := <-lockscopert.SelectChan(lockscopertsel") || !strings.Contains(text, "}; break }") {
		t.Errorf("%d selects rewritten, want 1:\n%s", c, text)
	}

	plain, err := Instrument(context.Background(), Config{Dir: dir, WorkDir: t.TempDir(), Runtime: fakeRuntime()})
	if err != nil {
		t.Fatal(err)
	}
	in = &instrumented{res: plain, dir: dir, overlay: readOverlay(t, plain.OverlayFile)}
	if s := in.rewritten(t, "explore.go"); strings.Contains(s, "Point(") || len(plain.Points) != 0 {
		t.Errorf("points without Explore:\n%s", s)
	}
}

func readOverlay(t *testing.T, path string) map[string]string {
	t.Helper()
	var ov struct{ Replace map[string]string }
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &ov); err != nil {
		t.Fatal(err)
	}
	return ov.Replace
}
