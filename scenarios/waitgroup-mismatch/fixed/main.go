// Command waitgroup-mismatch indexes shards in parallel behind a
// WaitGroup barrier that counts exactly the goroutines it starts.
package main

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// shards are the inputs; empty ones are skipped.
var shards = []string{"alpha beta", "", "gamma delta epsilon", "zeta", ""}

// indexAll counts the words of every non-empty shard in parallel and
// returns when all are counted, or when wait passes.
func indexAll(wait time.Duration) (int, bool) {
	counts := make([]int, len(shards))
	var wg sync.WaitGroup
	for i, s := range shards {
		if s == "" {
			continue
		}
		wg.Add(1) // right before the go statement it counts
		go func() {
			defer wg.Done()
			counts[i] = len(strings.Fields(s))
		}()
	}
	finished := make(chan struct{})
	go func() {
		wg.Wait() // the barrier
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(wait):
		return 0, false
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	return total, true
}

func main() {
	total, ok := indexAll(300 * time.Millisecond)
	if !ok {
		fmt.Println("indexing did not finish; giving up")
		return
	}
	fmt.Println("indexed", total, "words")
}
