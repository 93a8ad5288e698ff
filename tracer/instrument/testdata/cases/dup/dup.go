package dup

import "sync"

type Store struct{ mu sync.Mutex }

func (s *Store) Get() { s.mu.Lock(); s.mu.Unlock() }
