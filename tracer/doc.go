// Package tracer builds a target instrumented and runs it: it writes the lock
// runtime's source (carried inside the lockscope binary) to a cache
// directory, has package instrument rewrite the target's locks in a build
// overlay, builds the program or one test binary per package, and runs each
// in its own process group with a deadline.
//
// A target always comes back. At its deadline the lock runtime is asked for
// a snapshot of who holds and who waits for which lock (SIGUSR1), the Go
// runtime for every goroutine's stack (SIGQUIT), and then the whole group is
// killed. The target's output is saved, capped, with its tail kept for
// diagnosis; a target that floods its output keeps running.
//
// Run returns one Process record per target process: how it ended, where
// its artifacts are, and its event log, read once it ended (empty runtime
// profiles are removed). That record is what the analyzer reads; judging
// it is the analyzer's job. An error from Run means lockscope could
// not do its job (a BuildError carries the compiler's own words); a target
// that fails, hangs or crashes is not an error.
package tracer
