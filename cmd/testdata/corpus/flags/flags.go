// Package flags is built with -tags, -ldflags and -gcflags given after --.
package flags

import "sync"

// Version is set with -ldflags "-X example.com/flags.Version=...".
var Version = "unset"

var mu sync.Mutex

// Get returns Version under a lock.
func Get() string {
	mu.Lock()
	defer mu.Unlock()
	return Version
}
