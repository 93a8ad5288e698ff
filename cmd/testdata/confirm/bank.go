// Package bank transfers money between accounts, locking both: the
// source first, then the destination (an AB-BA lock order).
package bank

import "sync"

// Account is one customer's account.
type Account struct {
	mu      sync.Mutex
	balance int
}

// Transfer moves amount from one account to another.
func Transfer(from, to *Account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}
