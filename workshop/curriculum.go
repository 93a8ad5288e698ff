package workshop

import (
	"fmt"

	"github.com/lockscope/lockscope/scenarios"
)

// Section is one concept of the curriculum and its scenarios, in the order
// a class works through them.
type Section struct {
	Title     string
	Summary   string
	Scenarios []string // names, in teaching order
}

// Curriculum is the teaching order of the built-in scenarios: every
// scenario of the catalogue appears in exactly one section, which the
// package's tests check.
var Curriculum = []Section{
	{"Starting and stopping goroutines",
		"Every goroutine needs an owner and a way to finish: shutdown with a context, joins, no leaks.",
		[]string{"graceful-shutdown", "goroutine-leak", "waitgroup-mismatch"}},
	{"Shared memory and data races",
		"Two goroutines, one variable, no lock: what the race detector sees, and the fixes.",
		[]string{"counter-race", "half-locked-field", "global-cache-race", "lazy-init-race", "worker-pool-results"}},
	{"Lock ordering and deadlock",
		"Two locks taken in two orders; one global order, a gate lock, or a timeout when the order cannot be fixed.",
		[]string{"bank-transfer", "dining-philosophers", "gate-lock", "lock-timeout"}},
	{"Re-entrance and callbacks",
		"Go's locks are not re-entrant: a method or a callback that locks again deadlocks.",
		[]string{"double-lock", "rwmutex-recursive-read", "order-book-callback"}},
	{"Locks and channels together",
		"Waiting on a channel, or on another node, while holding a lock.",
		[]string{"producer-consumer", "cluster-heartbeat"}},
	{"Bounding concurrency",
		"Semaphores, worker pools and rate limiters, and how each one goes wrong.",
		[]string{"semaphore-leak", "pool-starvation", "rate-limiter"}},
	{"Errors and panics in goroutines",
		"A panic, an error or a recovered panic in one goroutine, and what it does to the others.",
		[]string{"panic-holding-lock", "worker-panic", "errgroup-siblings"}},
	{"Contention and latency",
		"Correct but slow: long critical sections and I/O under a lock.",
		[]string{"http-hot-lock", "chat-broadcast"}},
	{"Rare interleavings",
		"Bugs that pass hundreds of runs: a check and an act split by an Unlock, and how --explore shakes the schedule until they show.",
		[]string{"pool-close-race", "lost-wakeup"}},
	{"Debugging with logs and traces",
		"From a log line that says when to a timeline and an execution trace that say why.",
		[]string{"debug-by-tracing"}},
}

// checkCurriculum reports a scenario missing from the curriculum, listed
// twice, or unknown to the catalogue.
func checkCurriculum(sections []Section, all []*scenarios.Scenario) error {
	known := map[string]bool{}
	for _, s := range all {
		known[s.Name] = true
	}
	seen := map[string]bool{}
	for _, sec := range sections {
		for _, name := range sec.Scenarios {
			if !known[name] {
				return fmt.Errorf("section %q: no scenario %q", sec.Title, name)
			}
			if seen[name] {
				return fmt.Errorf("section %q: scenario %q listed twice", sec.Title, name)
			}
			seen[name] = true
		}
	}
	for _, s := range all {
		if !seen[s.Name] {
			return fmt.Errorf("scenario %q is in no section", s.Name)
		}
	}
	return nil
}
