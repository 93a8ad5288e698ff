package analyzer

import (
	"fmt"

	"github.com/lockscope/lockscope/findings"
)

// A check is one pass over the recorded run that produces the findings of
// one kind of the catalogue (findings.Checks). As in go/analysis, a check
// that builds on another names it in requires and reads its result from
// the results it is given; the runner runs every check after the ones it
// requires, so no check depends on the catalogue's order.
type check struct {
	kind     findings.Kind
	requires []*check
	// run produces the check's findings and a result for the checks that
	// require it (nil when none do). It returns an error only when the
	// check itself broke.
	run func(p *pass, deps results) ([]findings.Finding, any, error)
}

// results are the results of the checks run so far.
type results map[*check]any

// Checks whose results others read.
var (
	orderCheck    = &check{kind: findings.KindLockOrderCycle, run: runOrder}
	blockingCheck = &check{kind: findings.KindBlockingUnderLock, run: runBlocking}
	mixedCheck    = &check{kind: findings.KindMixedDeadlock, requires: []*check{blockingCheck}, run: runMixed}
)

// checks lists every pass; each runs after those it requires.
var checks = []*check{
	orderCheck,
	{kind: findings.KindDoubleLock, run: findingsOnly(runDoubleLock)},
	{kind: findings.KindRecursiveRLock, run: findingsOnly(runRecursiveRLock)},
	{kind: findings.KindUnlockOfUnlocked, run: findingsOnly(runUnlockOfUnlocked)},
	mixedCheck,
	blockingCheck,
	{kind: findings.KindBlockedForever, requires: []*check{mixedCheck}, run: runForever},
	{kind: findings.KindHang, run: findingsOnly(runHangOrDeadlock)},
	{kind: findings.KindDataRace, run: findingsOnly(runRace)},
	{kind: findings.KindContention, run: findingsOnly(runContention)},
	{kind: findings.KindLongHold, run: findingsOnly(runLongHold)},
	{kind: findings.KindLockLeak, requires: []*check{mixedCheck}, run: runLeak},
	{kind: findings.KindTargetFailure, run: findingsOnly(runFailure)},
}

// findingsOnly adapts a check that hands nothing on.
func findingsOnly(run func(*pass) ([]findings.Finding, error)) func(*pass, results) ([]findings.Finding, any, error) {
	return func(p *pass, _ results) ([]findings.Finding, any, error) {
		fs, err := run(p)
		return fs, nil, err
	}
}

// runChecks runs each of checks once, each after the ones it requires, and
// returns their findings and results.
func runChecks(p *pass, checks []*check) ([]findings.Finding, results, error) {
	done := results{}
	var all []findings.Finding
	var visit func(c *check, path []*check) error
	visit = func(c *check, path []*check) error {
		if _, ok := done[c]; ok {
			return nil
		}
		for _, q := range path {
			if q == c {
				return fmt.Errorf("check %s requires itself", c.kind)
			}
		}
		deps := results{}
		for _, r := range c.requires {
			if err := visit(r, append(path, c)); err != nil {
				return err
			}
			deps[r] = done[r]
		}
		fs, res, err := c.run(p, deps)
		if err != nil {
			return fmt.Errorf("check %s: %w", c.kind, err)
		}
		for _, f := range fs {
			if f.Kind != c.kind {
				return fmt.Errorf("check %s reported a %s finding: each kind has one check", c.kind, f.Kind)
			}
		}
		done[c] = res
		all = append(all, fs...)
		return nil
	}
	for _, c := range checks {
		if err := visit(c, nil); err != nil {
			return nil, nil, err
		}
	}
	return all, done, nil
}
