package collide

import "sync"

var lockscopert = 1

var mu sync.Mutex

func Do() int {
	mu.Lock()
	defer mu.Unlock()
	return lockscopert
}
