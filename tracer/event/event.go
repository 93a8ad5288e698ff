// Package event is the record format shared by the instrumented-lock runtime
// (which writes it inside a target process) and lockscope (which reads it).
//
// A log is a sequence of JSON objects, one per line. Events are rare — the
// runtime writes one only when it learns something new (a new lock-order
// chain, a misuse, a snapshot) — so a plain, self-describing format costs
// nothing measurable and survives a crash: every line is written with a single
// write call, and a reader keeps every complete line before the point where a
// log breaks.
//
// This package imports only the standard library: it is linked into targets.
package event

// Kind names what an Event records.
type Kind string

// The event kinds. Fields used by each kind are listed beside it.
const (
	// KindStart opens a log: PID, GoVersion, GoidMode, Time.
	KindStart Kind = "start"
	// KindSite describes a dynamic site (one the rewriter did not know, such
	// as a Lock through a sync.Locker): Site (negative) and Frame.
	KindSite Kind = "site"
	// KindInstance describes a lock instance the first time another event
	// refers to it: Inst, Class, Site (its first acquisition), Ordinal.
	KindInstance Kind = "inst"
	// KindEdge records a new lock-order observation: Goroutine acquired Acq
	// while holding Held (oldest first). Stack is the acquiring stack.
	// Others lists what other goroutines held at that moment.
	KindEdge Kind = "edge"
	// KindDoubleLock: Goroutine write-locks (or read-locks while
	// write-holding) an instance it already holds. Held, Acq, Stack.
	KindDoubleLock Kind = "double-lock"
	// KindRecursiveRLock: Goroutine read-locks an instance it already
	// read-holds. Held, Acq, Stack.
	KindRecursiveRLock Kind = "recursive-rlock"
	// KindUnlockOfUnlocked: an Unlock or RUnlock of a lock that is not held,
	// written before the Go runtime's fatal error. Acq (the lock), Stack.
	KindUnlockOfUnlocked Kind = "unlock-of-unlocked"
	// KindHandoff: a lock was released by another goroutine than the one
	// that acquired it (legal in Go), written the first time this happens
	// per class and acquisition site. Goroutine is the goroutine that held
	// it, Releaser the one that released it; Inst, Class, Site (where it
	// was acquired) and Acq (the same lock, with its Mode).
	KindHandoff Kind = "handoff"
	// KindStats carries cumulative per-class timing: Stats. The last one in
	// a log supersedes the earlier ones.
	KindStats Kind = "stats"
	// KindSnapshot is the wait-for picture at one moment: Reason
	// ("signal" or "exit"), Goroutines, Dump (every goroutine's stack in
	// runtime.Stack's format), Unsettled. Goroutines and Dump are one
	// consistent cut: every goroutine listed held and wanted exactly those
	// locks from before the dump began until after it ended. Goroutines
	// whose locks changed meanwhile are left out and listed in Unsettled.
	KindSnapshot Kind = "snapshot"
	// KindOverflow says a runtime table filled up and detection of Reason's
	// kind stopped from here on.
	KindOverflow Kind = "overflow"
	// KindExit closes a log written by an orderly exit: Code.
	KindExit Kind = "exit"
	// KindLeak lists goroutines blocked for good: Reason is "test" (the
	// goroutines Test started that were still blocked when it ended, after
	// a retry window), "running" (goroutines the Go runtime's leak profile
	// proved leaked while the target ran) or a snapshot's reason,
	// "exit" or "signal" (proved leaked at an orderly exit or when the
	// target was stopped). Dump holds their stacks in runtime.Stack's format;
	// a header whose state ends in " (leaked)" is proved by the leak
	// profile. Proof is "goroutineleak" when the leak profile was queried,
	// "" when the toolchain has none. Test is the test's full name
	// (subtests "TestX/sub"), "" for goroutines of no test.
	KindLeak Kind = "leak"
	// KindTest marks a test's end: Test, Goroutine (the test's goroutine),
	// Goroutines (goroutines that ended holding locks, seen at this end).
	KindTest Kind = "test"
	// KindDeadlock: goroutines that wait for each other's instrumented
	// locks, found when the cycle formed. Goroutines lists each member of
	// the cycle, in wait-for order, with what it holds and waits for; Dump
	// holds their stacks. Unless self-deadlocks are let through, the
	// process then writes its exit snapshot and exits with status 3.
	KindDeadlock Kind = "deadlock"
)

// Mode is how a lock was acquired.
type Mode string

// Acquisition modes.
const (
	Write Mode = "w" // Mutex.Lock, RWMutex.Lock
	Read  Mode = "r" // RWMutex.RLock
)

// Frame is one stack frame.
type Frame struct {
	Func string `json:"func"`
	File string `json:"file"`
	Line int    `json:"line"`
}

// Lock identifies one acquisition (held or wanted) of one lock instance.
//
// Class and Site IDs are positive when they come from lockscope's static site
// table and negative for dynamic sites described by a KindSite event; a
// negative Class -N means "the class named after dynamic site -N".
type Lock struct {
	Class int32 `json:"c"`
	Inst  int64 `json:"i"`
	Mode  Mode  `json:"m"`
	Site  int32 `json:"s,omitempty"`
	// Try is set when the acquisition was a TryLock or TryRLock, which
	// never blocks: an edge into a Try acquisition cannot deadlock.
	Try bool `json:"try,omitempty"`
	// Since is when the lock was acquired or, for a wanted lock, when the
	// wait began, in nanoseconds since the process started; 0 if unknown.
	Since int64 `json:"since,omitempty"`
	// First is set on an acquisition that gave the instance its identity:
	// its very first recorded acquisition, before any other goroutine could
	// have held or queued on it.
	First bool `json:"first,omitempty"`
}

// Goroutine is what one goroutine holds and waits for at one moment.
type Goroutine struct {
	ID      int64  `json:"g"`
	Held    []Lock `json:"held,omitempty"`
	Waiting *Lock  `json:"waiting,omitempty"`
	// Created is the go statement that started the goroutine (what a
	// goroutine dump prints after "created by"), recorded when it first
	// held or waited for a lock, so that a goroutine that has ended, and is
	// in no dump, can still be traced to its origin; nil if not known (the
	// main goroutine, or a runtime that could not read it).
	Created *Frame `json:"created,omitempty"`
}

// ClassStats is cumulative timing for one lock class. All durations are in
// nanoseconds. Hold times are sampled (see HoldSamples).
type ClassStats struct {
	Class       int32 `json:"c"`
	Contended   int64 `json:"contended"`
	WaitNs      int64 `json:"wait_ns"`
	MaxWaitNs   int64 `json:"max_wait_ns"`
	HoldSamples int64 `json:"hold_samples"`
	HoldNs      int64 `json:"hold_ns"`
	MaxHoldNs   int64 `json:"max_hold_ns"`
	// MaxHoldSite is the acquisition site of the longest sampled hold.
	MaxHoldSite int32 `json:"max_hold_site,omitempty"`
}

// Event is one record of a log. Only the fields of its Kind are set.
type Event struct {
	Kind      Kind  `json:"k"`
	Time      int64 `json:"t,omitempty"` // ns since the process started
	Goroutine int64 `json:"g,omitempty"`

	PID       int    `json:"pid,omitempty"`
	GoVersion string `json:"go,omitempty"`
	GoidMode  string `json:"goid,omitempty"` // how goroutine IDs are read: "asm" or "stack"

	Site    int32  `json:"s,omitempty"`
	Frame   *Frame `json:"frame,omitempty"`
	Inst    int64  `json:"i,omitempty"`
	Class   int32  `json:"c,omitempty"`
	Ordinal int64  `json:"n,omitempty"` // 1 for the first instance of a class seen

	Releaser int64 `json:"by,omitempty"` // KindHandoff: the releasing goroutine

	Held   []Lock      `json:"held,omitempty"`
	Acq    *Lock       `json:"acq,omitempty"`
	Stack  []Frame     `json:"stack,omitempty"`
	Others []Goroutine `json:"others,omitempty"`

	Stats []ClassStats `json:"stats,omitempty"`

	Reason     string      `json:"reason,omitempty"`
	Goroutines []Goroutine `json:"goroutines,omitempty"`
	Dump       string      `json:"dump,omitempty"`
	// Unsettled are goroutines that took or released a lock while the
	// snapshot was taken, so their locks at the time of Dump are unknown.
	Unsettled []int64 `json:"unsettled,omitempty"`

	Code int `json:"code,omitempty"`

	Test  string `json:"test,omitempty"`  // KindLeak, KindTest: the test's full name
	Proof string `json:"proof,omitempty"` // KindLeak: "goroutineleak" when the leak profile was queried
}
