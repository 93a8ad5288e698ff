// Command half-locked-field keeps a warehouse inventory that is restocked
// under its lock and read by a dashboard that forgot the lock.
package main

import (
	"fmt"
	"sync"
)

// Inventory counts the items in stock.
type Inventory struct {
	mu    sync.Mutex     // guards stock
	stock map[string]int // items in stock, by SKU
}

// Restock adds n items of sku, under the lock.
func (inv *Inventory) Restock(sku string, n int) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.stock[sku] += n
}

// Available returns how many items of sku are in stock. It reads stock
// without the lock: the bug. Reads need the lock as much as writes do.
func (inv *Inventory) Available(sku string) int {
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
