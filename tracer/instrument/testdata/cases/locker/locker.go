package locker

import "sync"

type S struct{ mu sync.Mutex }

func (s *S) L() sync.Locker { return &s.mu }

func Use(s *S) {
	l := s.L()
	l.Lock()
	l.Unlock()
	f := s.mu.Lock
	f()
	s.mu.Unlock()
}
