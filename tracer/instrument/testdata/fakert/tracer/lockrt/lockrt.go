// Package lockrt is a fake runtime for the instrumenter's tests: it prints
// each call.
package lockrt

import (
	"fmt"
	"os"
	"sync"
)

type Mutex struct{ mu sync.Mutex }

func (m *Mutex) Lock()                   { m.mu.Lock() }
func (m *Mutex) LockAt(p uint64)         { fmt.Printf("LockAt %#x\n", p); m.mu.Lock() }
func (m *Mutex) Unlock()                 { m.mu.Unlock() }
func (m *Mutex) TryLock() bool           { return m.mu.TryLock() }
func (m *Mutex) TryLockAt(p uint64) bool { fmt.Printf("TryLockAt %#x\n", p); return m.mu.TryLock() }

type RWMutex struct{ mu sync.RWMutex }

func (m *RWMutex) Lock()                   { m.mu.Lock() }
func (m *RWMutex) LockAt(p uint64)         { fmt.Printf("LockAt %#x\n", p); m.mu.Lock() }
func (m *RWMutex) Unlock()                 { m.mu.Unlock() }
func (m *RWMutex) TryLock() bool           { return m.mu.TryLock() }
func (m *RWMutex) TryLockAt(p uint64) bool { fmt.Printf("TryLockAt %#x\n", p); return m.mu.TryLock() }
func (m *RWMutex) RLock()                  { m.mu.RLock() }
func (m *RWMutex) RLockAt(p uint64)        { fmt.Printf("RLockAt %#x\n", p); m.mu.RLock() }
func (m *RWMutex) RUnlock()                { m.mu.RUnlock() }
func (m *RWMutex) TryRLock() bool          { return m.mu.TryRLock() }
func (m *RWMutex) TryRLockAt(p uint64) bool {
	fmt.Printf("TryRLockAt %#x\n", p)
	return m.mu.TryRLock()
}
func (m *RWMutex) RLocker() sync.Locker { return m.mu.RLocker() }

func Main(f func()) { f(); fmt.Println("lockrt: exit 0") }

func Exit(code int) { fmt.Printf("lockrt: exit %d\n", code); os.Exit(code) }

// TB is what TestStart needs of a test.
type TB interface {
	Name() string
	Cleanup(func())
}

func TestStart(t TB) { fmt.Printf("TestStart %s\n", t.Name()) }

func ExampleStart(name string) func() { fmt.Printf("ExampleStart %s\n", name); return func() {} }
