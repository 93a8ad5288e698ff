// Package analyzer turns what lockscope recorded about a target — the lock
// runtime's event logs, the site table from the source rewrite, the
// processes' exit status and output — into findings: the findings.json
// document described in DESIGN.md.
//
// # Checks
//
// Each kind of finding of the catalogue (findings.Checks, which documents
// it) is produced by a check: a value with the kind and a run function
// that returns the check's findings and, for checks that build on it, a
// result. A check names the checks it builds on, as go/analysis's
// Requires does, and reads their results from the ones it is given; the
// runner runs each check after those, so no check depends on the order of
// the list. Each kind has one check, and a check that reports another kind
// is an error. The lock-order check hands on the edges of its cycles (the
// graph marks them); the blocking-under-lock check hands on the mixed
// deadlocks it predicts to the mixed-deadlock check, which reports every
// mixed deadlock (observed from the wait-for chains, among goroutines
// parked at exit, predicted) and hands on the goroutines they explain to
// the blocked-forever and lock-leak checks.
//
// The parsers of what the Go runtime writes as text (goroutine dumps, race
// reports) are in internal/gotext, the execution-trace reader in
// internal/gtrace, the graph algorithms of the lock-order check in
// internal/graph.
//
// # The model
//
// [Analyze] decodes every process's events (tracer.Process, as the runner
// recorded them) once into a model and hands checks a pass. The model resolves lock classes to names through the
// site table (static class IDs are shared by all processes) and KindSite
// events (dynamic, negative IDs are per process and are named "Func:line"
// after their site), names instances ("Account.mu#2 (first locked at
// bank.go:31)"), and builds one lock-order graph over all processes, keyed
// by class name, whose edges keep every observation (held list, goroutine,
// stack, what other goroutines held).
//
// # Lock-order cycles
//
// Cycles of any length are found (internal/graph) by computing strongly
// connected components (Tarjan) and enumerating simple cycles inside each
// component by increasing length, with a bound on length, count and search
// steps; a finding whose search was cut says so in Truncated. A cycle is reported
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
