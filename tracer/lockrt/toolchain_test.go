package lockrt_test

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// nextGo is the newest Go release the runtime must work with, fetched from
// the module proxy by the go command (GOTOOLCHAIN).
const nextGo = "go1.27.3"

// TestOnNextGo runs this package's tests again, built by nextGo: the
// runtime reads the g struct, the execution tracer and the leak profile,
// all of which change between releases, and users run the current one.
func TestOnNextGo(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches and runs another Go toolchain")
	}
	if strings.HasPrefix(runtime.Version(), nextGo) {
		t.Skip("already running on " + nextGo)
	}
	cmd := exec.Command("go", "test", "-count=1", ".")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+nextGo, "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test on %s: %v\n%s", nextGo, err, out)
	}
	if !strings.Contains(string(out), "ok ") {
		t.Fatalf("go test on %s ran nothing:\n%s", nextGo, out)
	}
}

// TestRuntimeLanguage: targets compile the runtime as go1.21 code whatever
// their go line (tracer/instrument marks every file //go:build go1.21), so
// it must not use a later language feature; a range over an integer once
// slipped in and only the end-to-end tests caught it.
func TestRuntimeLanguage(t *testing.T) {
	t.Parallel()
	const rt = "github.com/lockscope/lockscope/tracer/..."
	out, err := exec.Command("go", "build", "-gcflags="+rt+"=-lang=go1.21", "github.com/lockscope/lockscope/tracer/lockrt").CombinedOutput()
	if err != nil {
		t.Fatalf("the lock runtime is not go1.21 code: %v\n%s", err, out)
	}
}
