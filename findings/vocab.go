package findings

import "fmt"

// Kind is a finding kind, as DESIGN.md names them; the catalogue (Checks)
// documents each.
type Kind string

// The finding kinds.
const (
	KindLockOrderCycle         Kind = "lock-order-cycle"
	KindDoubleLock             Kind = "double-lock"
	KindRecursiveRLock         Kind = "recursive-rlock"
	KindUnlockOfUnlocked       Kind = "unlock-of-unlocked"
	KindMixedDeadlock          Kind = "mixed-deadlock"
	KindBlockingUnderLock      Kind = "blocking-under-lock"
	KindBlockedForever         Kind = "blocked-forever"
	KindHang                   Kind = "hang"
	KindDataRace               Kind = "data-race"
	KindContention             Kind = "contention"
	KindLongHold               Kind = "long-hold"
	KindLockLeak               Kind = "lock-leak"
	KindTargetFailure          Kind = "target-failure"
	KindUnexplainedSuppression Kind = "unexplained-suppression"
)

// Severity is how bad a finding is; --fail-on takes one, or Never.
type Severity string

// Severity levels, most severe first, and the --fail-on level no finding
// reaches.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
	Never   Severity = "never"
)

// Severities lists the levels of findings, most severe first.
var Severities = []Severity{Error, Warning, Info}

// rank orders the levels: Never above Error above Warning above Info;
// anything else ranks lowest.
func (s Severity) rank() int {
	switch s {
	case Never:
		return 4
	case Error:
		return 3
	case Warning:
		return 2
	case Info:
		return 1
	}
	return 0
}

// AtLeast reports whether s is as severe as level or more. Nothing is at
// least Never.
func (s Severity) AtLeast(level Severity) bool {
	return s != Never && s.rank() >= level.rank()
}

// Compare orders s before t when s is more severe: -1, 0 or +1, for
// sorting most severe first.
func (s Severity) Compare(t Severity) int {
	switch a, b := s.rank(), t.rank(); {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// ParseFailOn checks a --fail-on value: error, warning, info or never.
// "" is error, the default.
func ParseFailOn(s string) (Severity, error) {
	switch v := Severity(s); v {
	case "":
		return Error, nil
	case Error, Warning, Info, Never:
		return v, nil
	}
	return "", fmt.Errorf("--fail-on must be error, warning, info or never, not %q", s)
}

// Confidence says whether a finding happened or can happen.
type Confidence string

// The confidences.
const (
	Observed  Confidence = "observed"
	Predicted Confidence = "predicted"
	// Proven findings were proved by the Go runtime: a goroutine the
	// goroutine leak profile found blocked on something no runnable
	// goroutine can reach.
	Proven Confidence = "proven"
)

// Failing returns the findings that fail the run at failOn ("" is Error):
// active (neither baselined nor suppressed) and at least that severe.
func (r *Result) Failing(failOn Severity) []*Finding {
	if failOn == "" {
		failOn = Error
	}
	var out []*Finding
	for i := range r.Findings {
		if f := &r.Findings[i]; f.Active() && f.Severity.AtLeast(failOn) {
			out = append(out, f)
		}
	}
	return out
}
