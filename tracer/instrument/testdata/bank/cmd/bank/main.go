package main

import (
	"fmt"
	"os"
	"sync"

	"example.com/bank"
)

func main() {
	a, b := &bank.Account{}, &bank.Account{}
	bank.Transfer(a, b, 1)
	var mu sync.Mutex
	mu.Lock()
	mu.Unlock()
	v := &bank.Vault{}
	v.Mu.RLock()
	v.Mu.RUnlock()
	fmt.Println("done")
	os.Exit(3)
}
