// Program races three ways: a method writing a field that another method
// reads without the lock, a package variable and a package-level map.
package main

import (
	"fmt"
	"sync"
)

var total int

// Counter counts hits.
type Counter struct {
	mu   sync.Mutex // guards hits, except in Get, which forgot it
	hits int
}

func (c *Counter) Inc() {
	c.mu.Lock()
	c.hits++
	c.mu.Unlock()
}

func (c *Counter) Get() int { return c.hits }

var cache = map[string]int{}

func main() {
	c := &Counter{}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Inc()
			total++
			cache[fmt.Sprint(i)] = i
		}()
	}
	fmt.Println(c.Get())
	wg.Wait()
}
