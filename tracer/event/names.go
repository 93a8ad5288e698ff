package event

import "strings"

// Names the instrumenter gives and the lock runtime uses, which the
// analyzer recognises in stacks: defined here, the one package both sides
// share, so that they cannot drift apart.
const (
	// UserMain is the name the instrumenter gives a program's main
	// function (with a number appended when the name is taken), so that
	// its own main can wrap it in the lock runtime's Main.
	UserMain = "lockscopeUserMain"
	// RuntimePackage is the last element of the lock runtime's import
	// path in every placement: github.com/lockscope/lockscope/tracer/lockrt
	// in module mode, <module>/_lockscope/lockrt when vendored.
	RuntimePackage = "lockrt"
)

// Reasons of a KindOverflow event: which runtime table filled up.
const (
	// OverflowHeldDepth: a goroutine held more locks than its held list
	// keeps.
	OverflowHeldDepth = "held-depth"
	// OverflowChains: the table of held-class chains (lock-order edges).
	OverflowChains = "lock-order-cycle"
	// OverflowInstancePairs: the table of same-class instance pairs.
	OverflowInstancePairs = "lock-order-cycle/instances"
	// OverflowMisuse: the table of reported recursive read locks and
	// handoffs.
	OverflowMisuse = "recursive-rlock"
	// OverflowContention: the per-class contention table.
	OverflowContention = "contention"
	// OverflowOrdinals: the per-class instance counters that number
	// instances (Account.mu#2).
	OverflowOrdinals = "ordinal"
)

// RuntimeName returns the name of fn, a qualified function name as stacks
// print it, inside the lock runtime's package ("(*Mutex).Lock",
// "explorePoint"), and whether fn is the lock runtime's at all, in any
// placement: .../tracer/lockrt.X in module or workspace mode,
// <module>/_lockscope/lockrt.X when the target vendors, or lockrt.X.
func RuntimeName(fn string) (string, bool) {
	const pkg = RuntimePackage + "."
	if name, ok := strings.CutPrefix(fn, pkg); ok {
		return name, true
	}
	if i := strings.LastIndex(fn, "/"+pkg); i >= 0 && !strings.Contains(fn[:i+1], "(") {
		return fn[i+1+len(pkg):], true
	}
	return "", false
}

// RuntimeFunc reports whether fn is the lock runtime's (see RuntimeName).
func RuntimeFunc(fn string) bool {
	_, ok := RuntimeName(fn)
	return ok
}

// OwnFunc reports whether fn is in the code lockscope links into a
// target: the lock runtime or this package, in any placement.
func OwnFunc(fn string) bool {
	if RuntimeFunc(fn) {
		return true
	}
	for _, pkg := range []string{"/tracer/event.", "/_lockscope/event."} {
		if i := strings.Index(fn, pkg); i >= 0 && !strings.Contains(fn[:i], "(") {
			return true
		}
	}
	return false
}
