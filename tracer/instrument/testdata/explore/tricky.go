package explore

import "sync"

// Tricky has operations where a point must not break the syntax: after
// labels, in switch cases, in type switches' inits, in closures, before a
// statement a goto jumps to.
func Tricky(ch chan any, mu *sync.RWMutex) int {
	n := 0
outer: // no point on a label alone
	for i := 0; i < 3; i++ { // no point
		switch v := (<-ch).(type) { // point: receive
		case int:
			mu.RLock() // point: RWMutex.RLock
			n += v
			mu.RUnlock() // point: RWMutex.RUnlock
			continue outer
		default:
			break outer
		}
	}
	if n > 0 {
		goto done
	}
	n++
done:
	func() { ch <- n }() // point: send
	return n
}

// Choose has a select that is rewritten for case preference, one whose
// operand is a call (left alone), and one that ends its function.
func Choose(a, b chan int, next func() chan int) int {
	n := 0
	select { // point: select
	case v := <-a:
		n += v
	case b <- n:
	}
	select { // point: select
	case v := <-next():
		n += v
	case <-a:
	}
	select { // point: select
	case v := <-a:
		return v
	case <-b:
		return n
	}
}
