package explore

import (
	"sync"
	"testing"
)

// work stands for the rest of a request: a little computation.
func work(i int) int {
	s := 0
	for j := 0; j < 2000; j++ {
		s += (i * j) % 7
	}
	return s
}

func TestSessionOnce(t *testing.T) {
	for round := 0; round < 20; round++ {
		r := &Registry{sessions: map[string]int{}}
		var wg sync.WaitGroup
		ids := make([]int, 2)
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(g)
				ids[g] = r.Session("ada")
			}()
		}
		wg.Wait()
		if ids[0] != ids[1] {
			t.Fatalf("round %d: one user got two sessions, %d and %d", round, ids[0], ids[1])
		}
	}
}

func TestCloseTwice(t *testing.T) {
	for round := 0; round < 20; round++ {
		c := &Conn{done: make(chan struct{})}
		var wg sync.WaitGroup
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(g)
				c.Close()
			}()
		}
		wg.Wait()
	}
}

func TestCounterAdds(t *testing.T) {
	c := &Counter{}
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				work(i)
				c.Add(1)
			}
		}()
	}
	wg.Wait()
	if c.n != 40 {
		t.Fatalf("counted %d, want 40: an update was lost", c.n)
	}
}
