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
// It locks the two accounts in one global order, lower ID first, whatever
// the direction of the transfer. Every goroutine that holds both locks took
// them in the same order, so none can hold the second while waiting for the
// first.
func transfer(from, to *Account, amount int) error {
	if from == to {
		return errors.New("transfer to the same account")
	}
	first, second := from, to
	if to.id < from.id {
		first, second = to, from
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()

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

	// Two tellers, one transfer each, run one after the other as in the
	// buggy variant. Now that accounts are locked in ID order, they could
	// as well run at once.
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
