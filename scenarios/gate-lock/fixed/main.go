// Command gate-lock keeps a shop's inventory: stock levels and prices,
// each behind its own lock so that the checkout can read prices while the
// warehouse updates stock.
package main

import (
	"fmt"
	"sync"
)

// margin is the markup on cost, in percent, of a restocked item.
const margin = 40

// Inventory tracks what the shop has and what it charges.
type Inventory struct {
	// opMu is the gate of operations that take both stockMu and priceMu:
	// they take opMu first. Code that takes one of them alone needs no gate.
	opMu sync.Mutex

	stockMu sync.Mutex     // guards stock
	stock   map[string]int // SKU -> units on hand

	priceMu sync.Mutex     // guards price
	price   map[string]int // SKU -> unit price in cents
}

// Price returns the unit price of sku in cents. It takes only priceMu.
func (inv *Inventory) Price(sku string) int {
	inv.priceMu.Lock()
	defer inv.priceMu.Unlock()
	return inv.price[sku]
}

// Restock receives units of sku bought at cost cents each, and reprices
// the item at cost plus margin.
//
// Restock still takes stockMu then priceMu, and Markdown priceMu then
// stockMu, but both first pass the gate opMu. Only one of them at a time
// can be inside, so neither can hold one inner lock while the other holds
// the second.
func (inv *Inventory) Restock(sku string, units, cost int) {
	inv.opMu.Lock()
	defer inv.opMu.Unlock()

	inv.stockMu.Lock()
	defer inv.stockMu.Unlock()
	inv.stock[sku] += units

	inv.priceMu.Lock() // stockMu, then priceMu
	defer inv.priceMu.Unlock()
	inv.price[sku] = cost * (100 + margin) / 100
}

// Markdown cuts the price of sku by percent, and returns the value in
// cents of the units on hand at the new price.
func (inv *Inventory) Markdown(sku string, percent int) int {
	inv.opMu.Lock()
	defer inv.opMu.Unlock()

	inv.priceMu.Lock()
	defer inv.priceMu.Unlock()
	inv.price[sku] = inv.price[sku] * (100 - percent) / 100

	inv.stockMu.Lock() // priceMu, then stockMu: the opposite order
	defer inv.stockMu.Unlock()
	return inv.price[sku] * inv.stock[sku]
}

func main() {
	inv := &Inventory{stock: make(map[string]int), price: make(map[string]int)}

	// The warehouse restocks umbrellas while the pricing job marks them
	// down, each in its own goroutine, one after the other as in the buggy
	// variant. Behind the gate they could as well overlap.
	restocked := make(chan struct{})
	value := make(chan int)
	go func() {
		defer close(restocked)
		inv.Restock("umbrella", 20, 10_00)
	}()
	go func() {
		<-restocked
		value <- inv.Markdown("umbrella", 25)
	}()
	v := <-value
	fmt.Printf("umbrellas: %d cents each, %d cents in stock\n", inv.Price("umbrella"), v)
}
