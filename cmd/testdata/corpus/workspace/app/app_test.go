package app

import "testing"

func TestHit(t *testing.T) {
	if Hit() != 1 || Hit() != 2 {
		t.Fatal("counter does not count")
	}
}
