package old

import (
	"sync"
	"testing"
)

// A go 1.13 module: no generics, no module graph pruning. lockscope's
// runtime (which uses generics) must still build into it without raising
// its go line.
type counter struct {
	mu sync.Mutex
	n  int
}

func TestOldGoLine(t *testing.T) {
	var c counter
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	if c.n != 1 {
		t.Fatal("lost an increment")
	}
}
