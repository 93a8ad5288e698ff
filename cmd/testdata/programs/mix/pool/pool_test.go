package pool

import "testing"

func TestReleaseWithoutAcquire(t *testing.T) {
	(&Pool{}).Release()
}
