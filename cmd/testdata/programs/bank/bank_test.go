package bank

import "testing"

func TestTransferThenAudit(t *testing.T) {
	l := &Ledger{}
	a, b := &Account{ID: 1, balance: 10}, &Account{ID: 2}
	Transfer(l, a, b, 5)
	if Audit(l, a) == 0 {
		t.Fatal("empty")
	}
}
