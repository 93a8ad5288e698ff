package lockrt

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// Confirmation of a predicted lock-order cycle (lockscope --confirm).
//
// LOCKSCOPE_CONFIRM lists the scheduling points just before the cycle's
// inner acquisitions ("12,17") and, after a slash, how many goroutines the
// cycle needs ("12,17/2"). A goroutine that reaches one of those points —
// holding the lock its edge starts from — waits there until enough other
// goroutines wait at points of the set, then all go on together into
// their acquisitions, which is the deadlock the cycle predicts if the
// program can reach it. Waits are bounded (confirmWait each, confirmBudget
// in all), so a program whose acquisitions never overlap only runs
// slower. With LOCKSCOPE_CONFIRM set the seed's random plan is off: the
// schedule is steered, not shaken.
const (
	confirmWait   = 200 * time.Millisecond
	confirmBudget = 3 * time.Second
	confirmPoll   = 20 * time.Microsecond
)

var (
	confirmOn      bool
	confirmPoints  []uint64
	confirmNeed    int32
	confirmWaiting aI32 // goroutines waiting at a confirm point
	confirmGen     aI32 // bumped when a group is released
	confirmSpent   aI64 // nanoseconds waited in all
)

func init() {
	spec := os.Getenv("LOCKSCOPE_CONFIRM")
	if spec == "" {
		return
	}
	ids, need, _ := strings.Cut(spec, "/")
	for _, s := range strings.Split(ids, ",") {
		if id, err := strconv.ParseUint(s, 10, 32); err == nil {
			confirmPoints = append(confirmPoints, id)
		}
	}
	n, err := strconv.Atoi(need)
	if err != nil || n < 2 {
		n = 2
	}
	confirmNeed = int32(n)
	confirmOn = len(confirmPoints) > 0
	exploreOn = exploreOn || confirmOn
}

// confirmPoint steers the goroutine at point id, if id is one of the
// cycle's; it reports whether id is.
//
//go:norace
func confirmPoint(id uint64) bool {
	found := false
	for _, p := range confirmPoints {
		found = found || p == id
	}
	if !found {
		return false
	}
	if confirmSpent.Load() > int64(confirmBudget) {
		return true
	}
	gen := confirmGen.Load()
	if confirmWaiting.Add(1) >= confirmNeed {
		confirmWaiting.Add(-confirmNeed)
		confirmGen.Add(1)
		return true
	}
	start := time.Now()
	for confirmGen.Load() == gen && time.Since(start) < confirmWait {
		time.Sleep(confirmPoll)
	}
	if confirmGen.Load() == gen {
		confirmWaiting.Add(-1) // nobody came: go on alone
	}
	confirmSpent.Add(int64(time.Since(start)))
	return true
}
