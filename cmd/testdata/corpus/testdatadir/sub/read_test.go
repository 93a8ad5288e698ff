package sub

import "testing"

// TestReadsTestdata reads testdata relative to the package directory, as
// go test runs a package's tests in its directory.
func TestReadsTestdata(t *testing.T) {
	s, err := Read("testdata/input.txt")
	if err != nil || s != "hello\n" {
		t.Fatalf("Read = %q, %v", s, err)
	}
}
