package main

import "sync"

var lockscopeUserMain sync.Mutex

func main() {
	lockscopeUserMain.Lock()
	lockscopeUserMain.Unlock()
}
