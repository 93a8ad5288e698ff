package tracer

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// CountTargets is how many target processes one repetition of o starts:
// one program, or one test binary per package with tests. It over-counts
// rather than under-counts; when the go command cannot tell within limit,
// the build will fail and the count does not matter.
func CountTargets(ctx context.Context, o Options, limit time.Duration) int {
	if !o.Test {
		return 1
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	args := append([]string{"list", "-e", "-f", "{{if or .TestGoFiles .XTestGoFiles}}t{{end}}"}, o.Patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = o.Dir // the user's environment: their workspace and GOFLAGS count
	out, err := cmd.Output()
	if err != nil {
		return 1
	}
	return strings.Count(string(out), "t")
}
