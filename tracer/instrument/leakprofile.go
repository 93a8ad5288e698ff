package instrument

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// leakProfileEnv returns the environment that gives the instrumented
// build the Go runtime's goroutine leak profile, which the lock runtime
// queries to prove leaks: on Go 1.26 it is the experiment
// GOEXPERIMENT=goroutineleakprofile, added to the experiments already set;
// from Go 1.27 it is built in (and the experiment's name is unknown, so
// it must not be set); older toolchains have none, which the returned note
// says. dir and env are the go command's, so the toolchain is the one the
// target's go and toolchain lines select.
func leakProfileEnv(ctx context.Context, dir string, env []string) (add []string, note string, err error) {
	cmd := exec.CommandContext(ctx, "go", "env", "GOVERSION", "GOEXPERIMENT")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		return nil, "", fmt.Errorf("go env GOVERSION: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	version, exp := lines[0], ""
	if len(lines) > 1 {
		exp = strings.TrimSpace(lines[1])
	}
	switch {
	case strings.HasPrefix(version, "go1.26"):
		if strings.Contains(exp, "goroutineleakprofile") {
			return nil, "", nil
		}
		if exp != "" {
			exp += ","
		}
		return []string{"GOEXPERIMENT=" + exp + "goroutineleakprofile"}, "", nil
	case olderThan(strings.TrimPrefix(version, "go"), "1.26"):
		return nil, fmt.Sprintf("%s has no goroutine leak profile: leaks are reported as still blocked, not proved (Go 1.26 or later proves them)", version), nil
	}
	return nil, "", nil
}
