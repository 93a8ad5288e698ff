package bank

import "testing"

func TestTransfer(t *testing.T) {
	a, b := &Account{balance: 2}, &Account{}
	Transfer(a, b, 1)
	if a.balance != 1 || b.balance != 1 {
		t.Fatalf("balances %d %d", a.balance, b.balance)
	}
}
