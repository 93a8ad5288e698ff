package replaceapp

import (
	"sync"
	"testing"

	"example.com/local"
)

var mu sync.Mutex

func TestReplacedDependency(t *testing.T) {
	mu.Lock()
	defer mu.Unlock()
	if local.Greeting() != "from ../local" {
		t.Fatal("wrong replacement")
	}
}
