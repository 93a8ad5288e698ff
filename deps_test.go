package lockscope_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the import ladder one way, as
// go/build/deps_test.go does for the standard library: the runtime linked
// into targets uses only the standard library and its event encoding, and
// the core never imports the command line.
func TestDependencyDirection(t *testing.T) {
	const mod = "github.com/lockscope/lockscope/"
	tests := []struct {
		pkg     string
		allowed func(dep string) bool
	}{
		{"tracer/lockrt", func(d string) bool { return !strings.Contains(d, ".") || d == mod+"tracer/event" }},
		{"tracer/event", func(d string) bool { return !strings.Contains(d, ".") }},
		{"analyzer", func(d string) bool {
			return !strings.HasPrefix(d, mod) || d == mod+"tracer/event" || d == mod+"tracer/gtrace"
		}},
		{"tracer/gtrace", func(d string) bool { return !strings.HasPrefix(d, mod) }},
		{"reports", func(d string) bool { return !strings.HasPrefix(d, mod+"cmd") && !strings.Contains(d, "cobra") }},
		{"workshop", func(d string) bool { return !strings.HasPrefix(d, mod+"cmd") && !strings.Contains(d, "cobra") }},
		{"internal/browsertest", func(d string) bool { return !strings.HasPrefix(d, mod) }},
		{"tracer", func(d string) bool {
			return !strings.HasPrefix(d, mod+"cmd") && !strings.HasPrefix(d, mod+"analyzer") && !strings.Contains(d, "cobra")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", mod+tt.pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				if dep != mod+tt.pkg && !tt.allowed(dep) {
					t.Errorf("%s imports %s", tt.pkg, dep)
				}
			}
		})
	}
}
