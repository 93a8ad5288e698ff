package vendored

import (
	"sync"
	"testing"

	"example.com/dep"
)

var mu sync.Mutex

func TestFromVendor(t *testing.T) {
	mu.Lock()
	defer mu.Unlock()
	if dep.Source != "vendor" {
		t.Fatal("dependency not read from vendor/")
	}
}
