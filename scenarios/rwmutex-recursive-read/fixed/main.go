// Command rwmutex-recursive-read keeps a service registry: services
// register their addresses, and a status page lists them.
package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Registry maps service names to the addresses of their instances.
type Registry struct {
	mu       sync.RWMutex        // guards services
	services map[string][]string // service name -> addresses
}

// Register adds an instance of service name, listening at addr.
func (r *Registry) Register(name, addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.services[name] = append(r.services[name], addr)
}

// Addrs returns the addresses of service name's instances.
func (r *Registry) Addrs(name string) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.addrsLocked(name)
}

// addrsLocked is Addrs for callers that already hold r.mu, for reading or
// writing. It never locks, so Status can call it under its own RLock.
func (r *Registry) addrsLocked(name string) []string {
	return slices.Clone(r.services[name])
}

// Status describes every service, one per line, for a status page.
// It takes r.mu once and calls the lock-free addrsLocked: a goroutine
// never read-locks r.mu while it already holds it.
func (r *Registry) Status() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(r.services)) {
		fmt.Fprintf(&b, "%s: %s\n", name, strings.Join(r.addrsLocked(name), " "))
	}
	return b.String()
}

func main() {
	reg := &Registry{services: make(map[string][]string)}
	reg.Register("billing", "10.0.0.7:8080")
	reg.Register("search", "10.0.0.9:8080")

	// The status page and a new search instance, each in its own goroutine.
	// The instance registers after the status page is rendered, as in the
	// buggy variant; now the writer could as well arrive at any moment.
	statusDone := make(chan struct{})
	registered := make(chan struct{})
	go func() {
		defer close(statusDone)
		fmt.Print(reg.Status())
	}()
	go func() {
		defer close(registered)
		<-statusDone
		reg.Register("search", "10.0.0.12:8080")
	}()
	<-registered
	fmt.Println("search:", reg.Addrs("search"))
}
