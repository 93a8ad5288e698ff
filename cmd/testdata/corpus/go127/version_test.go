package version

import (
	"runtime"
	"strings"
	"sync"
	"testing"
)

var mu sync.Mutex

// The module needs Go 1.27: the go command switches to that toolchain.
func TestBuiltWithGo127(t *testing.T) {
	mu.Lock()
	defer mu.Unlock()
	if !strings.HasPrefix(runtime.Version(), "go1.27") {
		t.Fatalf("built with %s, want go1.27 as the go line asks", runtime.Version())
	}
}
