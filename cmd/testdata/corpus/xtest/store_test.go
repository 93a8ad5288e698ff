package store_test

import (
	"sync"
	"testing"

	store "example.com/xtest"
)

func TestPutGet(t *testing.T) {
	var mu sync.Mutex // a lock in the external test package itself
	s := store.New()
	mu.Lock()
	s.Put("a", 1)
	mu.Unlock()
	if s.Get("a") != 1 {
		t.Fatal("lost the value")
	}
}
