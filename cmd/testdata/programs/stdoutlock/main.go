// Command stdoutlock prints under a read lock from eight goroutines at
// once, then takes the write lock: issue 9's reproduction, with more
// lookups and longer lines so that the goroutines' writes to standard
// output (a pipe that lockscope drains) wait for each other in every run.
// No interleaving of it can deadlock.
package main

import (
	"fmt"
	"strings"
	"sync"
)

type Cache struct {
	mu sync.RWMutex
	n  int
}

var padding = strings.Repeat(".", 2000)

func (c *Cache) Lookup() {
	c.mu.RLock()
	fmt.Printf("lookup %d %s\n", c.n, padding)
	c.mu.RUnlock()
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func main() {
	c := &Cache{}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				c.Lookup()
			}
		}()
	}
	wg.Wait()
}
