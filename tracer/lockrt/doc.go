// Package lockrt is lockscope's instrumented-lock runtime: drop-in Mutex and
// RWMutex types that lockscope links into a target in place of sync's, and
// that record, lockdep style, what the target's locking could do.
//
// It imports only the standard library and package event, never calls user
// code, and prints only when it ends a process that would self-deadlock.
//
// # Recording
//
// Recording is on when the environment variable LOCKSCOPE_EVENTS names a
// file; events (package event) are appended to it, each with one write call,
// as soon as they are learned, so a killed process loses nothing already
// written. With recording off the types are plain locks: one atomic load of
// a pointer more than sync.
//
// # Per-goroutine state
//
// A goroutine's held locks live in a fixed table of 4096 cache-line-sized
// slots indexed by goid&4095, owned by goid while in use and taken over by
// another goroutine once their owner holds and waits for nothing; a goroutine
// whose slot is busy spills into a mutex-protected overflow map. A per-slot
// spin lock guards the entries, because snapshots and an Unlock from another
// goroutine than the locker (legal in Go) touch other goroutines' slots.
// Nothing on the hot path is shared between goroutines that use different
// locks, and steady state allocates nothing. A held list keeps 16 entries;
// deeper acquisitions are counted, not recorded, and one KindOverflow says so.
//
// # Lock order
//
// Each held entry carries a chain key: a running hash of the (class, mode,
// try) steps of the held list up to it. An acquisition combines the current
// key with its own step and looks the result up in a lock-free open-addressing
// set of 64-bit keys (atomic loads; inserts by CAS; keys compared on hit).
// A known key costs nothing more. A new one captures the stack and writes one
// KindEdge with the whole held list, the acquisition, and what up to 64 other
// goroutines hold and wait for. When the new lock's class equals a held
// entry's class, a second set keyed by the (held instance, new instance) pair
// decides, so instance inversions within one class (two Account.mu) give one
// edge event per order. Full tables stop checking, said once by KindOverflow.
// A TryLock is recorded only when it succeeds, marked Try.
//
// Classes come from the packed site argument of the *At methods, which
// lockscope's rewriter emits. A siteless call (Lock through sync.Locker or
// sync.Cond, a method value) gets a dynamic site: the first caller outside
// packages lockrt and sync, found with runtime.Callers (cached per call path),
// numbered negatively, described once by KindSite; the class of an instance
// first locked there is that negative ID. An instance gets its ID, class,
// first site and ordinal within its class on its first recorded acquisition;
// KindInstance describes it just before the first event that refers to it.
//
// # Misuse
//
// Write-locking an instance the goroutine already holds, or read-locking one
// it write-holds, writes KindDoubleLock and, unless
// LOCKSCOPE_SELF_DEADLOCK=block, prints one line to standard error, writes
// the exit snapshot and exits with status 3. A recursive read lock writes
// KindRecursiveRLock once per pair of sites and proceeds. An Unlock of an
// unlocked Mutex or RWMutex writes KindUnlockOfUnlocked before the real
// Unlock makes the Go runtime end the process. The write holder and the
// reader count are tracked in the instance.
//
// # Timing
//
// An acquisition first tries TryLock. Only when that fails does it record
// "waiting since" in its slot and read the clock before and after blocking,
// adding to per-class contention counts with atomics. One acquisition in 64
// per slot reads the clock to time its hold. A goroutine writes KindStats at
// most every 250ms while the numbers change; Main and Exit write the last.
// Hold start times of unsampled acquisitions are not known (Since is 0).
//
// # Snapshots and exit
//
// SIGUSR1 (on Unix) and Main and Exit write a KindSnapshot: every goroutine
// holding or waiting for a lock, and every goroutine's stack (capped at
// 8 MiB). Locks still held at exit (leaks) are read from the exit snapshot.
// The SIGUSR1 handler (os/signal) keeps the Go runtime from ever reporting
// "all goroutines are asleep - deadlock!": such a target hangs instead, to
// be stopped and diagnosed at lockscope's timeout.
//
// # Goroutine identity
//
// A goroutine's ID is read from the runtime's g struct by a two-instruction
// assembly function (amd64, arm64). The goid field's offset is discovered at
// start, never assumed: the words of g equal to the ID that runtime.Stack
// prints, intersected over several fresh goroutines with distinct IDs, must
// leave exactly one offset, which must then agree on further goroutines.
// Otherwise, and on other architectures, IDs are parsed from runtime.Stack
// (slow, correct). KindStart's GoidMode says which ("asm" or "stack").
//
// # Not recorded
//
// Acquisitions while recording is off; hold times other than the sampled
// ones; the order of locks deeper than 16 in one goroutine; sync.WaitGroup,
// channels and other primitives (the execution tracer sees those). A program
// that panics out of Main writes no exit snapshot.
package lockrt
