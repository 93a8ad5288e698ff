// Package sub reads its input file under a lock.
package sub

import (
	"os"
	"sync"
)

var mu sync.Mutex

// Read returns the file's content.
func Read(path string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	b, err := os.ReadFile(path)
	return string(b), err
}
