package broken

import "sync"

var mu sync.Mutex

var n int = "not a number"
