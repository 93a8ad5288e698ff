// Package analyzer turns what lockscope recorded about a target — the lock
// runtime's event logs, the site table from the source rewrite, the
// processes' exit status and output — into findings: the findings.json
// document described in DESIGN.md.
//
// # Checks
//
// Each kind of finding is produced by a [Check]: a value carrying the kind's
// title, default severity, documentation and generic advice (the text behind
// `lockscope explain`) and a Run function. [Checks] lists them in a stable
// order; [Lookup] finds one by kind. A Run function returns findings; it
// returns an error only when the check itself broke. Kinds produced by
// other parts of lockscope (the execution tracer, the race detector) are
// listed with a nil Run so that every documented kind can be explained.
//
// # The model
//
// [Analyze] decodes every process's events once into a [Model] and hands
// checks a [Pass]. The model resolves lock classes to names through the
// site table (static class IDs are shared by all processes) and KindSite
// events (dynamic, negative IDs are per process and are named "Func:line"
// after their site), names instances ("Account.mu#2 (first locked at
// bank.go:31)"), and builds one lock-order graph over all processes, keyed
// by class name, whose edges keep every observation (held list, goroutine,
// stack, what other goroutines held).
//
// # Lock-order cycles
//
// Cycles of any length are found by computing strongly connected components
// (Tarjan) and enumerating simple cycles inside each component by
// increasing length, with a bound on length, count and search steps; a
// finding whose search was cut says so in Truncated. A cycle is reported
// only if every step can block (read/read steps block only when the class is
// write-locked somewhere, because Go's RLock queues behind a waiting
// writer), if it is not protected by a common gate lock, and if it is not
// reducible to a shorter cycle. Edges into TryLock acquisitions never block
// and are ignored. Self-edges of one class are judged on instances.
//
// A cycle must also be feasible (feasible.go): for some choice of one
// observation per edge, no two of its goroutines hold one lock at once
// (one of them in write mode), and every step that only read-locks a lock
// the next goroutine only read-holds has a writer that can queue on it —
// one whose writer gate (the locks every Lock call of that class is made
// under) no goroutine of the cycle holds. The scenario printed for a cycle
// names that writer.
//
// # Output
//
// Findings get fingerprints over their kind, lock class names and
// function names (never lines or goroutine IDs), duplicates are merged
// with a Count, and everything is sorted so that the same input always
// gives byte-identical JSON.
package analyzer
