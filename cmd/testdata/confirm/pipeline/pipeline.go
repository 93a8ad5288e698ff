// Package pipeline has a stage that sends its output while holding its
// lock: a reader that takes the lock before receiving deadlocks with it.
package pipeline

import "sync"

// Stage counts what it emits.
type Stage struct {
	mu  sync.Mutex
	n   int
	Out chan int
}

// Emit counts v and sends it on.
//
// BUG: the send blocks, holding mu, until a reader receives; a reader that
// wants mu first never will.
func (s *Stage) Emit(v int) {
	s.mu.Lock()
	s.n++
	s.Out <- v
	s.mu.Unlock()
}
