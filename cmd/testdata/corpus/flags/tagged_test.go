//go:build special

package flags

import "testing"

// TestTagged exists only with -tags special.
func TestTagged(t *testing.T) {
	if Get() != "v9" {
		t.Fatalf("Version = %q, want v9 from -ldflags", Get())
	}
}
