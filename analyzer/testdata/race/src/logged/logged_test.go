package logged

import (
	"sync"
	"testing"
)

var hits int

// check fails the test when !ok; the tests here always pass it true.
func check(t *testing.T, ok bool) {
	if !ok {
		t.Errorf("check failed")
	}
}

// TestParallel's subtests log and race with each other: they fail only
// because the race detector fired.
func TestParallel(t *testing.T) {
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				hits++
				wg.Done()
			}()
			hits++
			wg.Wait()
			t.Logf("subtest %s done", name)
			check(t, true)
		})
	}
}
