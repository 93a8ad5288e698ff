// Command double-lock puts a read-through cache in front of a slow price
// service.
package main

import (
	"fmt"
	"sync"
)

// Cache is a read-through cache of prices, in cents, by SKU.
type Cache struct {
	mu     sync.Mutex // guards prices
	prices map[string]int
	load   func(sku string) int // the slow path, such as a database query
}

// NewCache returns an empty cache that loads missing prices with load.
func NewCache(load func(sku string) int) *Cache {
	return &Cache{prices: make(map[string]int), load: load}
}

// Get returns the cached price of sku, and whether it was cached.
func (c *Cache) Get(sku string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.getLocked(sku)
}

// getLocked is Get for callers that already hold c.mu. Exported methods
// lock; unexported ...Locked helpers assume the lock is held and never take
// it, so methods can share code without locking twice.
func (c *Cache) getLocked(sku string) (int, bool) {
	price, ok := c.prices[sku]
	return price, ok
}

// GetOrLoad returns the price of sku, loading and caching it on a miss. It
// holds c.mu from the lookup to the store, so that concurrent misses on one
// SKU do not all hit the price service.
func (c *Cache) GetOrLoad(sku string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if price, ok := c.getLocked(sku); ok {
		return price
	}
	price := c.load(sku)
	c.prices[sku] = price
	return price
}

func main() {
	cache := NewCache(func(sku string) int { return 100 * len(sku) })
	for _, sku := range []string{"apple", "pear", "apple"} {
		fmt.Printf("%s: %d cents\n", sku, cache.GetOrLoad(sku))
	}
}
