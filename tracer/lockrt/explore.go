package lockrt

import (
	"os"
	"runtime"
	"strconv"
	"time"
)

// Schedule exploration.
//
// A target built by `lockscope run|test --explore` calls Point(id) on the
// line of every concurrency operation, just before it: lock and unlock
// calls, channel sends, receives and closes, selects, go statements,
// WaitGroup, Cond and Once calls. An ordinary build has no such calls.
//
// LOCKSCOPE_SEED holds the run's seed. The perturbation plan is a pure
// function of the seed: whether the k-th visit of point id is perturbed,
// and how, is decided by a hash of (seed, id, k), so the same seed gives
// the same plan. Which goroutine makes the k-th visit still depends on the
// scheduler, so a replay makes the same choices without forcing the same
// interleaving; it makes the bug the seed found likely again, not certain.
//
// The plan, per seed: each point is "in focus" with a probability that the
// seed also draws (three quarters or all of the points), and a visit of a
// point in focus is perturbed with probability 1/3: a yield
// (runtime.Gosched) one time in four, otherwise a sleep of 10µs to 640µs
// (LockPoint: mostly yields, sleeps of at most 40µs). Perturbations are
// bounded: at most exploreMaxPerPoint per point (by the point's slot in a
// table of 4096), exploreMaxTotal in all, and exploreMaxSleep of sleep in
// all, so a long test slows down by a bounded amount.
const (
	exploreMaxPerPoint = 256
	exploreMaxTotal    = 4096
	exploreMaxSleep    = 300 * time.Millisecond
	exploreSlots       = 4096
)

// exploreOn is set once in init, before any user code runs, and only read
// afterwards.
var (
	exploreOn    bool
	exploreSeed  uint64
	exploreFocus uint64 // a point is in focus when its hash mod 4 < exploreFocus
	exploreVisit [exploreSlots]aI32
	exploreDone  [exploreSlots]aI32
	exploreTotal aI32
	exploreSlept aI64 // nanoseconds
)

func init() {
	s := os.Getenv("LOCKSCOPE_SEED")
	if s == "" {
		return
	}
	seed, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return
	}
	exploreSeed = seed
	exploreFocus = 3 + mix64(seed^0x5eed)%2 // 3 or 4 quarters of the points
	exploreOn = true
}

// Point is a scheduling point that lockscope's --explore build inserts
// before concurrency operation id. It does nothing unless LOCKSCOPE_SEED is
// set; then it may yield or sleep as the seed's plan says.
func Point(id int32) {
	if !exploreOn {
		return
	}
	explorePoint(uint64(uint32(id)), false)
}

// LockPoint is Point before a Mutex or RWMutex call. Its perturbations are
// mostly yields and its sleeps short: a sleep before Unlock only stretches
// a critical section, which serialises the goroutines more than it mixes
// them; the windows that check-then-act bugs need open after an Unlock,
// where the next operation's Point sleeps.
func LockPoint(id int32) {
	if !exploreOn {
		return
	}
	explorePoint(uint64(uint32(id)), true)
}

//go:norace
func explorePoint(id uint64, lock bool) {
	if confirmOn {
		confirmPoint(id)
		return
	}
	if !inFocus(exploreSeed, exploreFocus, id) {
		return
	}
	slot := id % exploreSlots
	k := exploreVisit[slot].Add(1)
	act := plan(exploreSeed, id, uint64(k), lock)
	if act == noPerturb {
		return
	}
	if exploreDone[slot].Add(1) > exploreMaxPerPoint || exploreTotal.Add(1) > exploreMaxTotal {
		return
	}
	if act == yieldOnly || exploreSlept.Add(int64(act)) > int64(exploreMaxSleep) {
		runtime.Gosched()
		return
	}
	time.Sleep(act)
}

// The actions of a plan besides a sleep of the given length.
const (
	noPerturb time.Duration = 0
	yieldOnly time.Duration = -1
)

// inFocus reports whether the seed's plan perturbs point id at all: a
// point's hash mod 4 below focus.
func inFocus(seed, focus, id uint64) bool {
	return mix64(seed^mix64(id+1))%4 < focus
}

// plan is what the seed's plan does at the k-th visit (from 1) of point
// id: noPerturb, yieldOnly, or a sleep of that length.
func plan(seed, id, k uint64, lock bool) time.Duration {
	v := mix64(mix64(seed^mix64(id+1)) ^ k*0x9e3779b97f4a7c15)
	switch {
	case v%3 != 0:
		return noPerturb
	case (v>>8)%4 == 0 || lock && (v>>8)%4 != 1:
		return yieldOnly
	case lock:
		return time.Duration(10<<((v>>16)%3)) * time.Microsecond
	}
	return time.Duration(10<<((v>>16)%7)) * time.Microsecond
}

// mix64 is splitmix64's finaliser: a cheap, well-mixed hash of x.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
