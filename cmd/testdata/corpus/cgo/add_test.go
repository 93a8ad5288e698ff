package cgo

import "testing"

func TestAdd(t *testing.T) {
	var a Adder
	if a.Add(2, 3) != 5 || a.calls != 1 {
		t.Fatal("C add is wrong")
	}
}
