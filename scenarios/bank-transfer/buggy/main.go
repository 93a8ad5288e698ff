// Command bank-transfer moves money between two accounts. A transfer locks
// both accounts, so that no one ever sees the money in flight.
package main

import (
	"errors"
	"fmt"
	"sync"
)

// Account is one customer's account.
type Account struct {
	id      int
	owner   string
	mu      sync.Mutex // guards balance
	balance int        // in cents
}

// Balance returns the account's balance in cents.
func (a *Account) Balance() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// transfer moves amount cents from one account to another.
//
// BUG: it locks the source account, then the destination. Two transfers in
// opposite directions take the same two locks in opposite orders: alice->bob
// holds alice.mu and waits for bob.mu, while bob->alice holds bob.mu and
// waits for alice.mu. Neither ever gets its second lock.
func transfer(from, to *Account, amount int) error {
	if from == to {
		return errors.New("transfer to the same account")
	}
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()

	if from.balance < amount {
		return fmt.Errorf("transfer from %s: insufficient funds", from.owner)
	}
	from.balance -= amount
	to.balance += amount
	return nil
}

func main() {
	alice := &Account{id: 1, owner: "alice", balance: 100_00}
	bob := &Account{id: 2, owner: "bob", balance: 50_00}

	// Two tellers, one transfer each. Here the second teller starts when the
	// first has finished, like a test running one case after another, so
	// this run completes. In production both run at once and can deadlock.
	firstDone := make(chan struct{})
	errs := make(chan error, 2)
	go func() {
		defer close(firstDone)
		errs <- transfer(alice, bob, 30_00)
	}()
	go func() {
		<-firstDone
		errs <- transfer(bob, alice, 10_00)
	}()
	for range 2 {
		if err := <-errs; err != nil {
			fmt.Println(err)
		}
	}
	fmt.Printf("alice: %d cents, bob: %d cents\n", alice.Balance(), bob.Balance())
}
