//go:build envtag

package goflags

import (
	"sync"
	"testing"
)

var mu sync.Mutex

// TestFromGOFLAGS exists only when GOFLAGS=-tags=envtag is in the
// environment.
func TestFromGOFLAGS(t *testing.T) {
	mu.Lock()
	mu.Unlock()
}
