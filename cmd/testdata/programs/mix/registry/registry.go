package registry

import deadlock "github.com/sasha-s/go-deadlock"

type Registry struct {
	mu    deadlock.Mutex
	names map[string]*Entry
}

type Entry struct {
	mu   deadlock.RWMutex
	hits int
}

func (r *Registry) Touch(e *Entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.mu.Lock()
	e.hits++
	e.mu.Unlock()
}

func (e *Entry) Evict(r *Registry) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r.mu.Lock()
	delete(r.names, "x")
	r.mu.Unlock()
}
