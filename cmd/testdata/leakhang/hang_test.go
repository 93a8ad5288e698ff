// Package leakhang has a test that leaks a goroutine and then hangs: the
// leak must be reported while the target runs, named with the test,
// although the test never ends and the target is stopped at its deadline.
package leakhang

import (
	"testing"
	"time"
)

func TestPartialDeadlock(t *testing.T) {
	results := make(chan int)
	go func() { results <- 42 }() // nobody receives: leaked
	time.Sleep(time.Hour)         // the rest of the test never finishes
}
