package loop

import (
	"sync"
	"testing"
)

var mu sync.Mutex

// loopPointers takes the loop variable's address in each iteration, under a
// lock so that lockscope has something to record.
func loopPointers() []*int {
	var ps []*int
	for i := 0; i < 2; i++ {
		mu.Lock()
		ps = append(ps, &i)
		mu.Unlock()
	}
	return ps
}

// Before go 1.22 the loop has one variable for all iterations.
func TestSharedLoopVariable(t *testing.T) {
	if ps := loopPointers(); ps[0] != ps[1] {
		t.Fatal("per-iteration loop variables in a go 1.21 module")
	}
}
