package teststart

import (
	"testing"
)

func TestTwice(t *testing.T) {
	if Twice(2) != 4 {
		t.Fatal("2*2")
	}
	t.Run("sub", func(t *testing.T) { t.Log("sub") })
	t.Run("named", subtest)
}

func subtest(t *testing.T) {}

func TestUnnamed(*testing.T) {}

func TestBlank(_ *testing.T) {}

func Testlower(t *testing.T) {}

func BenchmarkTwice(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Twice(i)
	}
}

func TestOneLine(tt *testing.T) { Twice(1) }

func ExampleTwice() {
	println(Twice(3))
}

func Examplelower() {}

func ExampleTwice_args(x int) {}
