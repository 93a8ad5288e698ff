package findings

// A Check is one kind of finding: a value with documentation that feeds
// `lockscope explain`, the text report and the JSON.
type Check struct {
	Kind     Kind
	Title    string   // one line
	Severity Severity // default severity
	Doc      string   // what it means, in plain words
	Advice   string   // generic remediation; findings carry specific advice
}

// Checks returns every check, in a stable order. The slice is fresh; the
// checks are shared and must not be modified.
func Checks() []*Check {
	return append([]*Check(nil), catalog...)
}

// Lookup returns the check of kind, or nil.
func Lookup(kind Kind) *Check {
	for _, c := range catalog {
		if c.Kind == kind {
			return c
		}
	}
	return nil
}

// catalog lists the checks in the order DESIGN.md documents their kinds.
var catalog = []*Check{
	{Kind: KindLockOrderCycle, Title: "Locks acquired in conflicting orders", Severity: Error,
		Doc: docOrder, Advice: adviceOrder},
	{Kind: KindDoubleLock, Title: "A goroutine locks a mutex it already holds", Severity: Error,
		Doc: docDouble, Advice: adviceDouble},
	{Kind: KindRecursiveRLock, Title: "A goroutine read-locks an RWMutex it already read-holds", Severity: Error,
		Doc: docRecursive, Advice: adviceRecursive},
	{Kind: KindUnlockOfUnlocked, Title: "Unlock of a mutex that is not locked", Severity: Error,
		Doc: docUnlock, Advice: adviceUnlock},
	{Kind: KindMixedDeadlock, Title: "A lock and a channel, WaitGroup or Cond wait on each other", Severity: Error,
		Doc: docMixed, Advice: adviceMixed},
	{Kind: KindBlockingUnderLock, Title: "A lock is held across a blocking operation", Severity: Warning,
		Doc: docBlocking, Advice: adviceBlocking},
	{Kind: KindBlockedForever, Title: "Goroutines blocked forever", Severity: Error,
		Doc: docForever, Advice: adviceForever},
	{Kind: KindHang, Title: "The target stopped making progress", Severity: Error,
		Doc: docHang, Advice: adviceHang},
	{Kind: KindDataRace, Title: "Data race", Severity: Error,
		Doc: docRace, Advice: adviceRace},
	{Kind: KindContention, Title: "A lock is often waited for", Severity: Warning,
		Doc: docContention, Advice: adviceContention},
	{Kind: KindLongHold, Title: "A lock is held for a long time", Severity: Warning,
		Doc: docLongHold, Advice: adviceLongHold},
	{Kind: KindLockLeak, Title: "A lock is still held when its goroutine ended or the program exited", Severity: Error,
		Doc: docLeak, Advice: adviceLeak},
	{Kind: KindTargetFailure, Title: "The target crashed, panicked or its tests failed", Severity: Error,
		Doc: docFailure, Advice: adviceFailure},
	UnexplainedSuppression, // produced by ApplySuppressions, not by a Run
}

// The documentation of each check, as `lockscope explain` prints it.
const (
	docOrder = `Two or more locks are acquired in conflicting orders by different code paths: one goroutine takes A and then B while another takes B and then A (or, over more locks, A->B, B->C, C->A). If those paths ever run at the same moment, each goroutine holds the lock the next one wants and all of them wait forever.

lockscope records, for every acquisition, which locks the goroutine already held, and builds a graph of "held -> acquired" edges over lock classes (every lock stored in the same struct field or variable is one class, as in Linux lockdep). A cycle of any length in that graph is reported even when this run never deadlocked: tests exercise paths one after another, production runs them together. The finding says whether the conflicting acquisitions were seen concurrently.

RWMutex modes are told apart: RLock is not a free pass, because Go's RLock waits behind a writer that is queued, so a read-read inversion deadlocks as soon as some goroutine write-locks one of the locks. A cycle whose edges are all taken under one common gate lock cannot deadlock and is not reported; nor is one whose read-read step needs a writer that cannot queue, because every Lock of that RWMutex is taken under a lock a goroutine of the cycle holds; edges into TryLock never block and are ignored. Two locks of the same class (two Account.mu) are judged on instances: locking two accounts in both orders is reported, consistent parent-then-child locking is not.`
	adviceOrder = `Pick one global order for the locks of the cycle and follow it everywhere: usually the order most call sites already use. For two locks of the same type, order the instances by a stable key (an ID, lower first). Where an order cannot be kept, release the first lock before taking the second, or take both under one outer lock.`

	docDouble    = `A goroutine locks a mutex it already holds. Go's sync.Mutex is not reentrant: the second Lock waits for the first to be released, which only the same goroutine could do, so the goroutine deadlocks itself (and every goroutine that later wants the lock with it). Read-locking an RWMutex the goroutine already write-holds is the same bug. Go lets another goroutine unlock a mutex than the one that locked it, so the lock runtime lets such a Lock wait and reports it only once no other goroutine can make progress (and then ends the process with status 3, unless LOCKSCOPE_SELF_DEADLOCK=block); a goroutine that a lock snapshot (at the deadline, or at exit) shows waiting for a mutex it holds is reported too.`
	adviceDouble = `Do not call a function that locks from code that already holds the lock. Split the function into a locked wrapper and an unexported "...Locked" variant that expects the caller to hold the lock, and call the variant from inside the critical section.`

	docRecursive    = `A goroutine read-locks an RWMutex that it already read-holds. This works most of the time, which is what makes it dangerous: Go's RWMutex is writer-preferring, so once another goroutine calls Lock and queues between the two RLocks, the second RLock waits for the writer, and the writer waits for the first RLock to be released. Both wait forever. The bug only shows when a writer happens to arrive at the wrong moment, so it passes tests and hangs in production. A read lock that another goroutine releases (a handoff, which Go allows) is not held by the goroutine that took it: when the runtime recorded such a release of the first read lock's instance, or of a read lock of its class taken at the same site, the recursive RLock is not reported.`
	adviceRecursive = `Read-lock once per critical section: have the inner function expect the caller to hold the read lock (a "...Locked" variant) instead of locking again, or copy what is needed out of the critical section before calling code that locks.`

	docUnlock    = `A goroutine unlocks a Mutex or RUnlocks an RWMutex that is not locked (or not read-locked). The Go runtime stops the program with "fatal error: sync: unlock of unlocked mutex", which cannot be recovered; lockscope records the unlocking stack before that happens. The usual causes are an Unlock on a path that never locked (an early return before Lock, a deferred Unlock plus an explicit one) or a copy of a struct holding a mutex.`
	adviceUnlock = `Pair every Lock with exactly one Unlock on every path, preferably "mu.Lock(); defer mu.Unlock()" right after each other. Do not copy structs that contain a mutex (go vet's copylocks check finds copies).`

	docMixed    = `A goroutine blocks on a channel operation, WaitGroup or Cond while holding a lock, and the goroutine that would unblock it is itself waiting for that lock. Neither can proceed. The lock side is seen by the instrumented locks, the channel side by Go's execution tracer. Observed when a process hung that way; predicted from a run that did not deadlock when the goroutine that released such a wait (by a channel operation, Done or Signal, as the execution trace records it) was seen acquiring the lock. Waits that the Go runtime ends — sleep, network and file I/O, a wait for another goroutine's write to the same file — are never predicted as mixed deadlocks: no lock of the program can keep them from ending (they are blocking-under-lock warnings).`
	adviceMixed = `Do not hold a lock across a channel send or receive, WaitGroup.Wait or other blocking operation: copy what is needed, unlock, then block. If the lock must be held, make the operation non-blocking (select with default, buffered channel) or give it a timeout.`

	docBlocking    = `A lock is held across a channel operation, WaitGroup or Cond wait, network I/O or sleep. Even when nothing deadlocked, every other goroutine that wants the lock waits for that operation: the seed of most mixed deadlocks and of tail latency in servers. It is predicted as a mixed deadlock when the operation is a channel operation, WaitGroup or Cond wait that another goroutine of the program released, and that goroutine was seen acquiring the same lock. Sleep and I/O (network, files, pipes, standard output; also a wait for another goroutine's write to the same file) are ended by the Go runtime, not by a goroutine a lock can hold up, so they stay warnings: the lesson is the latency every other user of the lock pays.`
	adviceBlocking = `Shrink the critical section so that it only covers the shared state: read or copy under the lock, release it, then do the blocking work.`

	docForever = `Goroutines were still blocked on channels, select, WaitGroup, Cond or locks when the target finished or was stopped: goroutine leaks and communication deadlocks. They are grouped by stack, with the reason they wait.

In tests, leaks are checked per test: every goroutine a test starts (directly or through goroutines it started, including t.Parallel tests and subtests) carries the test's name, and those still blocked when the test and its t.Cleanup functions are done, after waiting up to a second for them to exit, are that test's leaks, named with the test; a goroutine a test leaves running in a select (a ticker loop nobody stopped) is one too, as goleak counts it. Examples (func ExampleXxx) are checked the same way when they return. A leak is "proven" when the Go runtime's goroutine leak profile (Go 1.26 with GOEXPERIMENT=goroutineleakprofile, which lockscope sets; built in from Go 1.27) found it blocked on something no runnable goroutine can reach; otherwise the finding says it was still blocked when the test ended (what it waits for may be reachable from a global variable, or woken by a timer). The profile is also queried every second while the target runs, so a leak in a test that later hangs is still reported. The standard library's and the testing package's own goroutines are not leaks.`
	adviceForever = `Give every blocking operation a way out: close channels when the producer is done, select on a context's Done channel, make sure every Add has its Done.`

	docHang    = `The target stopped making progress and lockscope stopped it at its deadline. The finding shows who held and who waited for which lock at that moment, as a wait-for cycle when there is one (goroutine 7 holds A and waits for B; goroutine 9 holds B and waits for A), with the goroutines' stacks and how long they had been waiting.`
	adviceHang = `Read the wait-for picture: a cycle of lock waits is a lock-order deadlock (fix the order); a goroutine waiting for a lock nobody releases is a leak (an Unlock missing on some path); goroutines waiting on channels are a communication deadlock.`

	docRace    = `Two goroutines access the same memory without synchronization and at least one access is a write, as reported by Go's race detector, with both accesses and where the goroutines were created.`
	adviceRace = `Protect the shared variable with the same lock on every access, or hand it over through a channel, or use sync/atomic for single words.`

	docContention = `Goroutines often wait to acquire this lock, or wait long: the total wait time is high enough to matter for throughput and latency. lockscope counts every acquisition that had to block and times the wait; it samples hold times (one acquisition in 64, fewer where reading the clock is slow); and the Go runtime's block and mutex profiles, which lockscope turns on in the target, give the stacks of the waiters and of the code that held the lock while they waited (the holding sites, heaviest first).

To keep the noise of small runs out, a lock is reported only when all of these hold: its waits add up to at least 50ms (--contention-threshold D sets this; 0 reports every contended lock, turning the other two floors off as well), to at least 5% of the target's wall time (waits of several goroutines add up, so this share can pass 100%), over at least 10 contended acquisitions. Per-lock figures are also in findings.json's "contention" list and the report's chart, and contention.pb.gz holds the waiters' stacks for go tool pprof.`
	adviceContention = `Shorten the critical section the finding names as the holding site: hold the lock only to read or update the shared state, and do slow work (I/O, calls to other services, sleeps, encoding) before Lock or after Unlock. Use an RWMutex when most accesses only read; shard keyed state into several locks so that unrelated requests do not wait for each other; use sync/atomic for counters.`

	docLongHold    = `A lock was held for longer than the long-hold threshold (100ms by default, --long-hold D) at one time: while it is held, every other user of the lock waits. It is a warning when a goroutine was seen waiting at least that long for the lock in one go (one holder, or several in a row, kept it that long), and info when only a sampled hold time (one acquisition in 64 or fewer is timed) shows it and nobody was seen waiting. The finding names the sites that held the lock while others waited, from the Go runtime's mutex profile, by where they took it (and where they released it, when that is another function).`
	adviceLongHold = `Move slow work (I/O, calls to other services, sleeps, channel operations, large computations) out of the critical section: copy what it needs under the lock, release the lock, do the work, and lock again briefly if a result must be written back.`

	docLeak    = `A lock was still held when the goroutine that took it ended, or when the program exited. A lock held by a goroutine that no longer exists can never be released: every later Lock waits forever. The classic cause is a panic that is recovered higher up without the lock being released, or an early return that skips the Unlock.`
	adviceLeak = `Release locks with "defer mu.Unlock()" right after Lock so that every return and panic path unlocks; check early returns between Lock and Unlock.`

	docFailure    = `The target failed for a reason no other finding explains: it panicked, hit a fatal runtime error, its tests failed, or it could not be built or started.`
	adviceFailure = `Read the cause and the output: fix the panic or the failing test first, since a crashing target hides the lock behaviour lockscope is looking for.`
)
