//go:build !special

package flags

import "testing"

// TestUntagged exists only without -tags special.
func TestUntagged(t *testing.T) { t.Fatal("built without -tags special") }
