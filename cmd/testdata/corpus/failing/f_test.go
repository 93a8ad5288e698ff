package failing

import (
	"sync"
	"testing"
)

var mu sync.Mutex

func TestPasses(t *testing.T) {
	mu.Lock()
	mu.Unlock()
}

func TestFails(t *testing.T) {
	mu.Lock()
	defer mu.Unlock()
	t.Error("this test fails under go test and must fail under lockscope")
}

func TestSubtests(t *testing.T) {
	t.Run("ok", func(t *testing.T) {})
	t.Run("bad", func(t *testing.T) { t.Fail() })
}

func TestSkipped(t *testing.T) { t.Skip("skipped either way") }
