package analyzer

import (
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
)

// TestRunChecks: a check runs after the checks it requires, whatever the
// list's order, and reads their results; a check may report only its own
// kind; a requirement cycle is an error, not a hang.
func TestRunChecks(t *testing.T) {
	var order []string
	base := &check{kind: findings.KindLockOrderCycle, run: func(*pass, results) ([]findings.Finding, any, error) {
		order = append(order, "base")
		return []findings.Finding{{Kind: findings.KindLockOrderCycle}}, 42, nil
	}}
	var got any
	user := &check{kind: findings.KindHang, requires: []*check{base}, run: func(_ *pass, deps results) ([]findings.Finding, any, error) {
		order = append(order, "user")
		got = deps[base]
		return nil, nil, nil
	}}
	fs, done, err := runChecks(&pass{}, []*check{user, base})
	if err != nil || len(fs) != 1 || got != 42 || done[base] != 42 || strings.Join(order, ",") != "base,user" {
		t.Errorf("findings %v, result seen %v, order %v, err %v", fs, got, order, err)
	}

	liar := &check{kind: findings.KindHang, run: func(*pass, results) ([]findings.Finding, any, error) {
		return []findings.Finding{{Kind: findings.KindMixedDeadlock}}, nil, nil
	}}
	if _, _, err := runChecks(&pass{}, []*check{liar}); err == nil || !strings.Contains(err.Error(), "mixed-deadlock") {
		t.Errorf("a check reporting another kind: err %v", err)
	}

	a := &check{kind: findings.KindHang}
	b := &check{kind: findings.KindLockLeak, requires: []*check{a}}
	a.requires = []*check{b}
	if _, _, err := runChecks(&pass{}, []*check{a}); err == nil || !strings.Contains(err.Error(), "requires itself") {
		t.Errorf("a requirement cycle: err %v", err)
	}
}
