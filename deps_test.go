package lockscope_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the import ladder one way, as
// go/build/deps_test.go does for the standard library (docs/architecture.md
// draws it). For every package of the module it lists the packages of the
// module it may reach, directly or not; anything else of the module it
// reaches is an error, as are the outside packages it must not link.
func TestDependencyDirection(t *testing.T) {
	const mod = "github.com/lockscope/lockscope/"
	tests := []struct {
		pkg string
		// may are the module's packages pkg may reach.
		may []string
		// direct, when set, are the only module packages pkg may import
		// itself (what it reaches through them is theirs to answer for).
		direct []string
		// never are outside packages pkg must not reach (prefixes); with
		// direct, must not import.
		never []string
	}{
		// The runtime linked into targets: the standard library and its
		// event encoding only.
		{pkg: "tracer/event"},
		{pkg: "tracer/lockrt", may: []string{"tracer/event"}},
		{pkg: "tracer/instrument", may: []string{"tracer/event"}},
		// The runner: builds and runs; knows nothing of findings.
		{pkg: "tracer", may: []string{"tracer/event", "tracer/instrument"}},
		{pkg: "analyzer/internal/gtrace"},
		{pkg: "analyzer/internal/graph"},
		{pkg: "analyzer/internal/gotext", may: []string{"tracer/event", "findings"}},
		// The findings model: what every report and command speaks.
		{pkg: "findings", may: []string{"tracer/event"}, never: []string{"github.com/spf13/", "github.com/google/pprof"}},
		// The engine: from the runner's records to findings.
		{pkg: "analyzer", may: []string{"tracer/event", "tracer/instrument", "tracer", "analyzer/internal/gtrace", "analyzer/internal/gotext", "analyzer/internal/graph", "findings"}},
		// Reports see findings, never the runner or the engine.
		{pkg: "reports", may: []string{"tracer/event", "findings"}},
		{pkg: "scenarios", may: []string{"tracer/event", "findings"}},
		{pkg: "workshop", may: []string{"tracer/event", "findings", "scenarios"}, never: []string{"github.com/spf13/"}},
		// The driver: everything below the commands.
		{pkg: "diagnose", may: []string{"tracer/event", "tracer/instrument", "tracer", "analyzer/internal/gtrace", "analyzer/internal/gotext", "analyzer/internal/graph", "findings", "analyzer", "reports", "scenarios"},
			never: []string{"github.com/spf13/"}},
		// The commands fill options and call the driver: they do not read
		// event logs, traces or profiles themselves.
		{pkg: "cmd", direct: []string{"diagnose", "findings", "reports", "scenarios", "workshop", "tracer"},
			never: []string{"github.com/google/pprof", "golang.org/x/exp/trace"}},
		{pkg: "internal/browsertest"},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			for _, dep := range goList(t, "-deps", mod+tt.pkg) {
				rel, ours := strings.CutPrefix(dep, mod)
				switch {
				case dep == mod+tt.pkg:
				case ours && tt.direct == nil && !slices.Contains(tt.may, rel):
					t.Errorf("%s reaches %s", tt.pkg, rel)
				case !ours && tt.direct == nil && slices.ContainsFunc(tt.never, func(p string) bool { return strings.HasPrefix(dep, p) }):
					t.Errorf("%s reaches %s", tt.pkg, dep)
				}
			}
			if tt.direct == nil {
				return
			}
			for _, dep := range goList(t, "-f", `{{join .Imports "\n"}}`, mod+tt.pkg) {
				rel, ours := strings.CutPrefix(dep, mod)
				if ours && !slices.Contains(tt.direct, rel) ||
					!ours && slices.ContainsFunc(tt.never, func(p string) bool { return strings.HasPrefix(dep, p) }) {
					t.Errorf("%s imports %s", tt.pkg, dep)
				}
			}
		})
	}
}

// TestEveryPackageHasARule: a new package gets a place on the ladder.
func TestEveryPackageHasARule(t *testing.T) {
	ruled := []string{"tracer/event", "tracer/lockrt", "tracer/instrument", "tracer", "analyzer/internal/gtrace", "analyzer/internal/gotext",
		"analyzer/internal/graph", "findings", "analyzer", "reports", "scenarios", "workshop", "diagnose", "cmd", "internal/browsertest"}
	for _, p := range goList(t, "./...") {
		rel, _ := strings.CutPrefix(p, "github.com/lockscope/lockscope")
		rel = strings.TrimPrefix(rel, "/")
		if rel == "" || rel == "cmd/lockscope" || strings.HasPrefix(rel, "scenarios/") {
			continue // the module's doc, the one-line main, the scenario programs
		}
		if !slices.Contains(ruled, rel) {
			t.Errorf("package %s has no rule in TestDependencyDirection", rel)
		}
	}
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.Fields(string(out))
}
