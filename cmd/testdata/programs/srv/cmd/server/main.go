package main

import (
	"fmt"
	"os"
	"sync"
)

var (
	configMu sync.Mutex
	cacheMu  sync.RWMutex
)

func reload() {
	configMu.Lock()
	defer configMu.Unlock()
	cacheMu.Lock()
	cacheMu.Unlock()
}

func lookup() {
	cacheMu.RLock()
	defer cacheMu.RUnlock()
	configMu.Lock()
	configMu.Unlock()
}

func main() {
	if len(os.Args) != 2 || os.Args[1] != "serve" {
		fmt.Println("usage: server serve")
		os.Exit(5)
	}
	reload()
	lookup()
}
