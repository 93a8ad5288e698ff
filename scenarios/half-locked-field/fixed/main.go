// Command half-locked-field keeps a warehouse inventory that is restocked
// and read under its lock.
package main

import (
	"fmt"
	"sync"
)

// Inventory counts the items in stock.
type Inventory struct {
	mu    sync.Mutex     // guards stock, for reads and writes alike
	stock map[string]int // items in stock, by SKU
}

// Restock adds n items of sku, under the lock.
func (inv *Inventory) Restock(sku string, n int) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.stock[sku] += n
}

// Available returns how many items of sku are in stock, under the lock.
func (inv *Inventory) Available(sku string) int {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.stock[sku]
}

func main() {
	inv := &Inventory{stock: map[string]int{}}
	done := make(chan struct{})
	go func() { // the warehouse
		defer close(done)
		for i := 0; i < 5; i++ {
			inv.Restock("widget", 10)
		}
	}()
	for i := 0; i < 5; i++ { // the dashboard
		fmt.Println("widgets available:", inv.Available("widget"))
	}
	<-done
}
