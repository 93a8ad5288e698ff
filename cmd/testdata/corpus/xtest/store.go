// Package store is tested only from an external _test package.
package store

import "sync"

// Store is a locked map.
type Store struct {
	mu sync.RWMutex
	m  map[string]int
}

// New returns an empty Store.
func New() *Store { return &Store{m: map[string]int{}} }

// Put sets k.
func (s *Store) Put(k string, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

// Get reads k.
func (s *Store) Get(k string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m[k]
}
