package generics

import "sync"

type Guarded[T any] struct {
	mu sync.Mutex
	v  T
}

func (g *Guarded[T]) Set(v T) {
	g.mu.Lock()
	g.v = v
	g.mu.Unlock()
}

type Pair[A, B any] struct {
	a A
	b B
}

func Use() {
	var p Pair[sync.Mutex, *sync.RWMutex]
	p.a.Lock()
	p.a.Unlock()
	g := &Guarded[int]{}
	g.mu.Lock()
	g.mu.Unlock()
}

func WithLocker[L sync.Locker](l L) {
	l.Lock()
	l.Unlock()
}
