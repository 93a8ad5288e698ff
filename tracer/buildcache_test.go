package tracer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBuildCache runs a module's tests three times: the second run reuses
// the first's instrumented build, a changed source file or other build
// flags make a new one, and every run's tests really run.
func TestBuildCache(t *testing.T) {
	if testing.Short() {
		t.Skip("builds test binaries")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("instrument", "testdata", "bank"))); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	run := func(args ...string) *Result {
		t.Helper()
		res, err := Run(context.Background(), Options{
			Dir: dir, Patterns: []string{"./..."}, Test: true, Args: args, Timeout: time.Minute,
			OutDir: t.TempDir(), CacheDir: cache,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Processes) != 2 {
			t.Fatalf("%d processes, want the 2 test binaries", len(res.Processes))
		}
		for _, p := range res.Processes {
			if p.StartError != "" || p.ExitCode != 0 {
				t.Fatalf("%s: exit %d %s", p.Package, p.ExitCode, p.StartError)
			}
		}
		return res
	}
	steps := []struct {
		name   string
		change func()
		args   []string
		cached bool
	}{
		{"first run builds", nil, nil, false},
		{"unchanged module reuses", nil, nil, true},
		{"test flags do not matter", nil, []string{"-v", "-count=2"}, true},
		{"build flags do", nil, []string{"-tags=other"}, false},
		{"a changed file rebuilds", func() {
			f := filepath.Join(dir, "audit", "audit.go")
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, append(data, "\n// changed\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
		}, nil, false},
		{"and is reused in turn", nil, nil, true},
	}
	for _, st := range steps {
		if st.change != nil {
			st.change()
		}
		if res := run(st.args...); res.Cached != st.cached {
			t.Errorf("%s: Cached = %v, want %v", st.name, res.Cached, st.cached)
		}
	}
	builds, _ := filepath.Glob(filepath.Join(cache, "builds", "*"))
	if len(builds) != 3 {
		t.Errorf("%d cached builds, want 3: %v", len(builds), builds)
	}
}

// TestPruneBuilds keeps the keepBuilds newest builds and any in use.
func TestPruneBuilds(t *testing.T) {
	root := t.TempDir()
	old := time.Now().Add(-2 * inUse)
	for i, name := range []string{"a", "b", "c", "d", "e", "f", "tmp-x"} {
		dir := filepath.Join(root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		at := old.Add(time.Duration(i) * time.Minute) // a oldest, f newest
		if name == "a" {
			at = time.Now() // in use
		}
		if err := os.Chtimes(dir, at, at); err != nil {
			t.Fatal(err)
		}
	}
	pruneBuilds(root, "b")
	var left []string
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	// a: in use; b: kept; c: past keepBuilds and old; d, e, f: newest.
	if got, want := strings.Join(left, " "), "a b d e f tmp-x"; got != want {
		t.Errorf("left %q, want %q", got, want)
	}
}
