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
