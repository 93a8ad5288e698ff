package bank

import "sync"

type Account struct {
	ID      int
	mu      sync.Mutex
	balance int
}

type Ledger struct {
	mu      sync.RWMutex
	entries []string
}

func Transfer(l *Ledger, from, to *Account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
	l.mu.Lock()
	l.entries = append(l.entries, "transfer")
	l.mu.Unlock()
}

// Audit reads the ledger, then checks an account: the opposite order of
// Transfer's Account.mu -> Ledger.mu.
func Audit(l *Ledger, a *Account) int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance + len(l.entries)
}
