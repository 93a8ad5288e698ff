package complit

import "sync"

type T struct{ mu *sync.Mutex }

var global = sync.Mutex{}

func Make() T {
	t := T{mu: &sync.Mutex{}}
	t.mu.Lock()
	t.mu.Unlock()
	global.Lock()
	global.Unlock()
	return t
}
