package field

import "sync"

type Store struct {
	mu   sync.RWMutex
	data map[string]int
}

func (s *Store) Get(k string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.data[k]
}

func (s *Store) Put(k string, v int) {
	if s.mu.TryLock() {
		s.mu.Unlock()
	}
	if s.mu.TryRLock() {
		s.mu.RUnlock()
	}
	s.mu.Lock()
	s.data[k] = v
	s.mu.Unlock()
}
