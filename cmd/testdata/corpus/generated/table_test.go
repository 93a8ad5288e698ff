package generated

import "testing"

func TestLookup(t *testing.T) {
	if Lookup("two") != 2 {
		t.Fatal("generated table is wrong")
	}
}
