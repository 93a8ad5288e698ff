// Command goroutine-leak serves lookups with a deadline: each request
// starts a worker and gives up when the worker is too slow, leaving the
// worker blocked on its result channel forever.
package main

import (
	"errors"
	"fmt"
	"time"
)

var errTimeout = errors.New("lookup timed out")

// slowLookup stands for a call to a backend; every fourth key is slow.
func slowLookup(key int) string {
	if key%4 == 3 {
		time.Sleep(30 * time.Millisecond)
	}
	return fmt.Sprintf("value-%d", key)
}

// lookup asks a worker for key and waits at most timeout for its answer.
func lookup(key int, timeout time.Duration) (string, error) {
	result := make(chan string) // unbuffered: the worker's send needs a reader
	go func() {
		result <- slowLookup(key) // blocks forever once lookup has returned
	}()
	select {
	case v := <-result:
		return v, nil
	case <-time.After(timeout):
		return "", errTimeout
	}
}

func main() {
	served, timedOut := 0, 0
	for key := 0; key < 12; key++ {
		if _, err := lookup(key, 10*time.Millisecond); err != nil {
			timedOut++
			continue
		}
		served++
	}
	time.Sleep(50 * time.Millisecond) // the slow workers finish their work, not their send
	fmt.Printf("%d served, %d timed out\n", served, timedOut)
}
