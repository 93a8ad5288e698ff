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

// From go 1.22 each iteration has its own variable.
func TestPerIterationLoopVariable(t *testing.T) {
	if ps := loopPointers(); ps[0] == ps[1] {
		t.Fatal("one loop variable for all iterations in a go 1.22 module")
	}
}
