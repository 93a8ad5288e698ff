// Package app uses its workspace sibling example.com/lib, which only the
// go.work can resolve.
package app

import (
	"sync"

	"example.com/lib"
)

var (
	mu    sync.Mutex
	total lib.Counter
)

// Hit counts one hit.
func Hit() int {
	mu.Lock()
	defer mu.Unlock()
	return total.Inc()
}
