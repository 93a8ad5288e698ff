// Package bank is a testdata module for the instrumenter.
package bank

import "sync"

// Account is a bank account.
type Account struct {
	mu      sync.Mutex
	balance int
}

// Ledger embeds its lock.
type Ledger struct {
	sync.RWMutex
	entries []int
}

var registryMu sync.Mutex

// Transfer moves money between accounts.
func Transfer(from, to *Account, n int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	to.mu.Unlock()
	from.balance -= n
	to.balance += n
}

// Add appends an entry.
func (l *Ledger) Add(n int) {
	l.Lock()
	l.entries = append(l.entries, n)
	l.Unlock()
	registryMu.Lock()
	registryMu.Unlock()
}

// Vault has an exported lock, locked from other packages.
type Vault struct {
	Mu    sync.RWMutex
	Items int
}
