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
// A goroutine's held locks live in a slot record. A table of 4096 cells,
// indexed by goid&4095, points at the record of the goroutine that owns the
// cell; a record's owner never changes. A goroutine whose cell holds the
// record of another goroutine that holds and waits for nothing takes the
// cell over with a new record (one allocation per takeover, none in steady
// state); one whose cell holds a busy record spills into a mutex-protected
// overflow map. Nothing on the hot path is shared between goroutines that
// use different locks. A held list keeps 16 entries; deeper acquisitions are
// counted, not recorded, and one KindOverflow says so.
//
// # Slot protocol
//
// The owner reads and writes its table record without a lock (fast.go);
// everyone else, and the owner's own general path, takes the record's spin
// lock. The owner opens a section by storing seq+1 (odd), then passes a full
// barrier, then loads frozen: if it is 0 it may work on the record, and
// closes the section by storing seq+2 (even); otherwise it closes the
// section untouched and takes the spin lock instead. Another goroutine (an
// Unlock or RUnlock of the owner's lock, a snapshot or edge event reading
// the record, a takeover) takes the spin lock, stores frozen = 1 with
// sync/atomic (sequentially consistent), waits until seq is even, works,
// and stores frozen = 0 before unlocking; a takeover stores 2 (retired) for
// good. This is Dekker's handshake: of the owner's (store seq, barrier, load
// frozen) and the other's (store frozen, load seq), at least one load sees
// the other's store, so they are never both inside. When the owner's load
// saw frozen = 0 the other waits for the even seq that closes the section,
// whose release store orders the owner's writes before it; when the other's
// load saw an even seq from before the section, the owner's load sees
// frozen and keeps out. The thaw is a release store, and the owner's load
// of frozen an acquire, so the owner then sees what the other wrote. Only
// the owner writes seq, and only in its own record: a record is never
// reused for another goroutine (a takeover allocates a new one), so an
// owner that was preempted between reading its cell and opening a section
// can only find its old record retired.
//
// The barrier is free: it is the real lock operation's own atomic
// read-modify-write, which the section brackets. A successful TryLock or
// TryRLock always ends in a CAS, and a sync.Mutex or RWMutex Unlock or
// RUnlock starts with an atomic add; on amd64 each is a LOCK-prefixed
// instruction, a full barrier. Acquisitions open the section before the
// real TryLock and record after it; Unlock, and an RUnlock whose read entry
// is on top of the goroutine's list, open it before the real call and pop
// after it (so a snapshot may, for a few nanoseconds, show the unlocking
// goroutine still holding a lock another goroutine already has); a failed
// TryLock closes the section untouched. Whether the read entry is on top is
// read before the barrier, as a hint that the pop checks; any other RUnlock
// pops under spin locks before the real RUnlock. The seq and section stores
// are plain MOVs on amd64 (total store order makes them release stores; Go's
// compiler keeps memory
// operations in program order around them), sync/atomic stores elsewhere
// (STLR on arm64, whose STLR-then-LDAR order needs no barrier at all), and
// sequentially consistent stores in -race builds (see "Race detector"). An
// Unlock from another goroutine than the locker, or an RUnlock of a read
// lock taken elsewhere, pops the entry from the frozen record before the
// real call, as before.
//
// # Lock order
//
// Each held entry carries a chain key: a running hash of the (class, mode,
// try) steps of the held list up to it. An acquisition combines the current
// key with its own step and looks the result up in a lock-free open-addressing
// set of 64-bit keys (atomic loads; inserts by CAS; keys compared on hit).
// A known key costs nothing more: usually one load. A one-step chain's key
// is the step itself, not a hash: it is never looked up, only extended. A
// new key captures the stack and writes one
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
// packages lockrt and sync, found by following frame pointers to the first
// return address known to lead to a site (learned on first sight with
// runtime.Callers; see site.go), numbered negatively, described once by
// KindSite; the class of an instance
// first locked there is that negative ID. An instance gets its ID, class,
// first site and ordinal within its class on its first recorded acquisition;
// KindInstance describes it just before the first event that refers to it.
//
// # Misuse
//
// Write-locking an instance the goroutine's held list already holds, or
// read-locking one it write-holds, is a double lock only if nobody else will
// unlock it: Go lets another goroutine Unlock a Mutex, or RUnlock a read
// lock, that this one acquired. So the acquisition records its wait, reports
// nothing yet and blocks on the real lock, and a watchdog goroutine
// (watchdog.go) reads goroutine dumps, at once and then every 200ms while
// it blocks: once two of them, 200ms apart, show every other goroutine of
// the target unable to progress by itself (waiting on a lock, semaphore,
// WaitGroup or Cond, sending, in testing's receives, in an empty select; not
// sleeping, running, in I/O or a select, nor receiving in the target's code,
// which may be a timer channel), it writes KindDoubleLock with the stack of
// the Lock call and, unless LOCKSCOPE_SELF_DEADLOCK=block, prints one line
// to standard error, writes the exit snapshot and exits with status 3. If
// the lock is acquired instead, the watchdog stops, and the acquisition's
// order is checked against the held list as it is then. A double lock the
// watchdog cannot confirm blocks; a snapshot shows the goroutine waiting
// for an instance it holds, which the analyzer reports as a double lock.
//
// A release by another goroutine than the holder (a handoff) pops the
// holder's entry: an Unlock finds the holder through the instance; an
// RUnlock first looks in its own record, then in every record, and a read
// lock past some record's held depth is taken from the releaser's drop
// count, else from any record's, so that counts return to zero. The first
// handoff per class, acquisition site, instance and holder writes
// KindHandoff. A recursive
// read lock writes KindRecursiveRLock once per pair of sites and goroutine, and proceeds;
// the analyzer drops it when the first read lock was handed off (it may
// have been released before the second was taken, and was never this
// goroutine's to hold). An Unlock of an
// unlocked Mutex or RWMutex writes KindUnlockOfUnlocked before the real
// Unlock makes the Go runtime end the process. The write holder (one plain
// store on Lock and one on Unlock) is tracked in the instance; read holders
// are not counted (that cost two locked instructions per read lock): an
// RUnlock whose read entry is in no held list, and that is not one of the
// instance's read holds past a held depth (counted in the instance, rarely),
// is of an unlocked RWMutex.
//
// # Timing
//
// An acquisition first tries TryLock. Only when that fails does it record
// "waiting since" in its slot and read the clock before and after blocking,
// adding to per-class contention counts with atomics. One acquisition in 64
// reads the clock to time its hold (fewer, down to one in 1024, where a
// clock read is slow, so that timing costs an acquisition at most 0.15 ns
// on average; LOCKSCOPE_SAMPLE_EVERY=N sets it), picked on the fast path by a hash of its
// record's section count (so that no regular pattern of locks always misses
// or always hits the sample) and timed just after the acquisition's
// section, in one of its own (stamp). A goroutine writes KindStats at
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
// # Leaks
//
// TestStart (testhook.go), which the rewriter calls first thing in every
// test and t.Run literal, labels the test's goroutine with the pprof label
// lockscope.test=NAME, inherited by every goroutine it starts, and turns on
// GODEBUG=tracebacklabels=1 so that dumps show labels. A cleanup, run after
// the test's own, polls the goroutines with its label (up to a second, as
// goleak does) and writes those still blocked as KindLeak, after querying
// the Go runtime's goroutine leak profile twice (leak.go) so that the dump
// marks the proved ones "(leaked)"; KindTest marks the end. While the
// target runs, the leak profile is queried every second and newly proved
// goroutines are written at once; every snapshot queries it first.
//
// # Reachability
//
// The leak profile proves a goroutine leaked only when what it blocks on is
// unreachable from runnable goroutines, so the runtime's tables keep no
// user lock reachable: held-list and wait entries name an instance by the
// address of its state (a uintptr, which the garbage collector does not
// trace) and its ID, and copy its class; KindInstance's "described" marks
// live in a recorder table. A lock can then be freed while an entry still
// names it (its holder ended, or dropped it while holding it), and its
// memory reused: the fast path only compares addresses, the general path
// addresses and IDs, and everything else reads another goroutine's
// instance through peek, which checks the ID and a tag (a hash of address
// and ID, set once) before and after reading, and never keeps the derived
// pointer where the collector would find it. Go's heap memory stays mapped,
// so such a read is safe. Every instance escapes to the heap (see ensure):
// a goroutine stack moves, and an address must stay its lock's.
//
// # Deadlocks
//
// A goroutine about to wait for a lock kicks a detector goroutine
// (deadlock.go; one non-blocking channel send on the contended path). The
// detector follows the wait-for relation through the table — a writer
// waits for the write holder and the read holders, a reader for the write
// holder and every waiting writer (Go's writer preference) — and a cycle
// seen twice, 200ms apart, with the same waits is written as KindDeadlock;
// then, unless LOCKSCOPE_SELF_DEADLOCK=block, the process writes its exit
// snapshot and exits with status 3.
//
// # Race detector
//
// In -race builds the runtime's own synchronisation must not reach the race
// detector: every goroutine that locks any mutex touches the shared tables
// (the instance counter, chain keys, class stats), and the detector would
// take those atomics for happens-before edges between goroutines that share
// no lock, hiding their races. So in race builds the internal atomic types
// are assembly functions (atom_race_amd64.s, atom_race_arm64.s; elsewhere
// sync/atomic between runtime.RaceDisable and RaceEnable), the internal
// mutex is a spin lock on them, the stats goroutine's wake-up and the event
// file's writes run with synchronisation events disabled, and every
// function that writes shared runtime state with plain stores (or reads
// another goroutine's instance) is //go:norace; shared maps are open-
// addressing tables (idmap.go), since the Go runtime checks map accesses
// itself. The real sync.Mutex and sync.RWMutex calls are untouched: the
// target's own locking keeps its edges. Ordinary builds alias the types to
// sync/atomic's and sync.Mutex and compile to the same code as before (see
// atom.go, also for what remains visible).
//
// # Goroutine identity
//
// A goroutine's ID is read from the runtime's g struct by a three-instruction
// assembly function (amd64, arm64; fastGoid), once per Lock and once per
// Unlock (the Unlock must know whether it runs on the holder to use the fast
// path). The goid field's offset is discovered at
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
