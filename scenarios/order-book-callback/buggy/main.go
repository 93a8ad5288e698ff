// Command order-book-callback runs a limit order book for one instrument.
// Subscribers are told of every trade through a callback, and the book
// calls them while it still holds its lock. A market maker's callback
// re-quotes around the new best prices by calling back into the book: the
// goroutine locks the book a second time, and Go's sync.Mutex is not
// re-entrant.
package main

import (
	"fmt"
	"sort"
	"sync"
)

// Order is a limit order; Price is in cents.
type Order struct {
	ID    int
	Buy   bool
	Price int
	Qty   int
}

// Trade is a match between a buy and a sell.
type Trade struct {
	Buy, Sell int // order IDs
	Price     int
	Qty       int
}

// Book matches buy orders (bids) against sell orders (asks).
type Book struct {
	mu          sync.Mutex // guards bids, asks and subscribers
	bids, asks  []Order    // best first
	subscribers []func(Trade)
}

// Subscribe registers fn to be called with every trade.
func (b *Book) Subscribe(fn func(Trade)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subscribers = append(b.subscribers, fn)
}

// Best returns the best bid and ask, 0 when a side is empty.
func (b *Book) Best() (bid, ask int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.bids) > 0 {
		bid = b.bids[0].Price
	}
	if len(b.asks) > 0 {
		ask = b.asks[0].Price
	}
	return bid, ask
}

// Submit matches o against the other side and rests what is left.
//
// BUG: it calls the subscribers with b.mu held. A callback that calls any
// method of the book (Best, Submit) locks b.mu again, on the goroutine
// that already holds it, and waits for itself for ever.
func (b *Book) Submit(o Order) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, t := range b.match(&o) {
		for _, fn := range b.subscribers {
			fn(t) // called under b.mu
		}
	}
	if o.Qty > 0 {
		b.rest(o)
	}
}

// match fills o against the best prices of the other side. b.mu is held.
func (b *Book) match(o *Order) []Trade {
	var trades []Trade
	other := &b.asks
	if !o.Buy {
		other = &b.bids
	}
	for o.Qty > 0 && len(*other) > 0 {
		best := &(*other)[0]
		if (o.Buy && best.Price > o.Price) || (!o.Buy && best.Price < o.Price) {
			break
		}
		qty := o.Qty
		if best.Qty < qty {
			qty = best.Qty
		}
		t := Trade{Buy: o.ID, Sell: best.ID, Price: best.Price, Qty: qty}
		if !o.Buy {
			t.Buy, t.Sell = best.ID, o.ID
		}
		trades = append(trades, t)
		o.Qty -= qty
		best.Qty -= qty
		if best.Qty == 0 {
			*other = (*other)[1:]
		}
	}
	return trades
}

// rest adds o to its side, best price first. b.mu is held.
func (b *Book) rest(o Order) {
	if o.Buy {
		b.bids = append(b.bids, o)
		sort.SliceStable(b.bids, func(i, j int) bool { return b.bids[i].Price > b.bids[j].Price })
		return
	}
	b.asks = append(b.asks, o)
	sort.SliceStable(b.asks, func(i, j int) bool { return b.asks[i].Price < b.asks[j].Price })
}

func main() {
	book := &Book{}
	var tape []Trade
	book.Subscribe(func(t Trade) { tape = append(tape, t) }) // the trade tape: fine
	book.Subscribe(func(t Trade) {                           // a market maker: calls back in
		bid, ask := book.Best()
		fmt.Printf("maker: traded %d @ %d, re-quoting inside %d/%d\n", t.Qty, t.Price, bid, ask)
	})

	book.Submit(Order{ID: 1, Buy: false, Price: 10_050, Qty: 100})
	book.Submit(Order{ID: 2, Buy: false, Price: 10_075, Qty: 50})
	book.Submit(Order{ID: 3, Buy: true, Price: 10_000, Qty: 80})
	book.Submit(Order{ID: 4, Buy: true, Price: 10_060, Qty: 120}) // trades: the maker's callback runs
	bid, ask := book.Best()
	fmt.Printf("%d trades; best %d/%d\n", len(tape), bid, ask)
}
