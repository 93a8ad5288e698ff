package analyzer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/analyzer/internal/graph"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

func TestLockOrderCycle(t *testing.T) {
	tests := []struct {
		name  string
		build func() *fixture
		want  [][]string // Locks of each expected cycle, in order
		level string
	}{
		{"two-cycle", func() *fixture {
			f := newFixture("A.mu", "B.mu")
			f.edge(1, "ab", f.w("B.mu", 2), f.w("A.mu", 1))
			f.edge(2, "ba", f.w("A.mu", 1), f.w("B.mu", 2))
			return f
		}, [][]string{{"A.mu", "B.mu"}}, "class"},
		{"three-cycle", func() *fixture {
			f := newFixture("A.mu", "B.mu", "C.mu")
			f.edge(1, "ab", f.w("B.mu", 2), f.w("A.mu", 1))
			f.edge(2, "bc", f.w("C.mu", 3), f.w("B.mu", 2))
			f.edge(3, "ca", f.w("A.mu", 1), f.w("C.mu", 3))
			return f
		}, [][]string{{"A.mu", "B.mu", "C.mu"}}, "class"},
		{"five-cycle-philosophers", func() *fixture {
			f := newFixture("F0.mu", "F1.mu", "F2.mu", "F3.mu", "F4.mu")
			for i := range 5 {
				a, b := fmt.Sprintf("F%d.mu", i), fmt.Sprintf("F%d.mu", (i+1)%5)
				f.edge(int64(i+1), "dine", f.w(b, int64(10+(i+1)%5)), f.w(a, int64(10+i)))
			}
			return f
		}, [][]string{{"F0.mu", "F1.mu", "F2.mu", "F3.mu", "F4.mu"}}, "class"},
		{"consistent-order", func() *fixture {
			f := newFixture("A.mu", "B.mu")
			f.edge(1, "ab", f.w("B.mu", 2), f.w("A.mu", 1))
			f.edge(2, "ab2", f.w("B.mu", 2), f.w("A.mu", 1))
			return f
		}, nil, ""},
		{"gate-protected", func() *fixture {
			f := newFixture("G.mu", "A.mu", "B.mu")
			f.edge(1, "ab", f.w("B.mu", 2), f.w("G.mu", 9), f.w("A.mu", 1))
			f.edge(2, "ba", f.w("A.mu", 1), f.w("G.mu", 9), f.w("B.mu", 2))
			return f
		}, nil, ""},
		{"gate-missing-on-one-edge", func() *fixture {
			f := newFixture("G.mu", "A.mu", "B.mu")
			f.edge(1, "ab", f.w("B.mu", 2), f.w("G.mu", 9), f.w("A.mu", 1))
			f.edge(2, "ba", f.w("A.mu", 1), f.w("B.mu", 2))
			return f
		}, [][]string{{"A.mu", "B.mu"}}, "class"},
		{"read-read-no-writer", func() *fixture {
			f := newFixture("rw:A.mu", "rw:B.mu")
			f.edge(1, "ab", f.r("B.mu", 2), f.r("A.mu", 1))
			f.edge(2, "ba", f.r("A.mu", 1), f.r("B.mu", 2))
			return f
		}, nil, ""},
		{"read-read-one-writer-only", func() *fixture {
			f := newFixture("rw:A.mu", "rw:B.mu")
			f.edge(1, "ab", f.r("B.mu", 2), f.r("A.mu", 1))
			f.edge(2, "ba", f.r("A.mu", 1), f.r("B.mu", 2))
			f.site("A.mu", "Lock") // a writer of A exists; B is only read
			return f
		}, nil, ""},
		{"read-read-with-writers", func() *fixture {
			f := newFixture("rw:A.mu", "rw:B.mu")
			f.edge(1, "ab", f.r("B.mu", 2), f.r("A.mu", 1))
			f.edge(2, "ba", f.r("A.mu", 1), f.r("B.mu", 2))
			f.edge(3, "writer", f.w("A.mu", 1))
			f.edge(4, "writer", f.w("B.mu", 2))
			return f
		}, [][]string{{"A.mu", "B.mu"}}, "class"},
		// docs/real-world.md, bbolt: mm is read-held by read transactions
		// and write-locked only in Close, under rw and meta. meta -> mm ->
		// meta and meta -> mm -> rw -> meta need a writer queued on mm
		// while a goroutine of the cycle holds meta: none can queue. The
		// inversion of mm and rw (a read transaction open while beginning
		// a write one, against Close) is real.
		{"read-read-writer-gated", func() *fixture {
			f := newFixture("DB.rw", "DB.meta", "rw:DB.mm")
			f.edge(1, "BeginRead", f.r("DB.mm", 3), f.w("DB.meta", 2))
			f.edge(1, "BeginWrite", f.w("DB.rw", 1), f.r("DB.mm", 3))
			f.edge(1, "BeginWrite", f.w("DB.meta", 2), f.r("DB.mm", 3), f.w("DB.rw", 1))
			f.edge(2, "Close", f.w("DB.meta", 2), f.w("DB.rw", 1))
			f.edge(2, "Close", f.w("DB.mm", 3), f.w("DB.rw", 1), f.w("DB.meta", 2))
			return f
		}, [][]string{{"DB.mm", "DB.rw"}}, "class"},
		// A database opened while a read transaction of another is open:
		// the new instance's first write lock holds only a read lock of
		// its class. It cannot be a writer queued behind anyone (nobody
		// had the instance yet), so the gate stands.
		{"read-read-writer-gated-fresh-instance", func() *fixture {
			f := newFixture("DB.rw", "DB.meta", "rw:DB.mm")
			f.edge(1, "BeginRead", f.r("DB.mm", 3), f.w("DB.meta", 2))
			f.edge(1, "BeginWrite", f.w("DB.rw", 1), f.r("DB.mm", 3))
			f.edge(1, "BeginWrite", f.w("DB.meta", 2), f.r("DB.mm", 3), f.w("DB.rw", 1))
			f.edge(2, "Close", f.w("DB.meta", 2), f.w("DB.rw", 1))
			f.edge(2, "Close", f.w("DB.mm", 3), f.w("DB.rw", 1), f.w("DB.meta", 2))
			f.edge(3, "Open", first(f.w("DB.mm", 4)), f.r("DB.mm", 3))
			return f
		}, [][]string{{"DB.mm", "DB.rw"}}, "class"},
		// The same write lock on an instance others already used could be
		// a queued writer: the gate falls, and the read-read cycles are
		// reported.
		{"read-read-writer-ungated-shared-instance", func() *fixture {
			f := newFixture("DB.rw", "DB.meta", "rw:DB.mm")
			f.edge(1, "BeginRead", f.r("DB.mm", 3), f.w("DB.meta", 2))
			f.edge(1, "BeginWrite", f.w("DB.rw", 1), f.r("DB.mm", 3))
			f.edge(1, "BeginWrite", f.w("DB.meta", 2), f.r("DB.mm", 3), f.w("DB.rw", 1))
			f.edge(2, "Close", f.w("DB.meta", 2), f.w("DB.rw", 1))
			f.edge(2, "Close", f.w("DB.mm", 3), f.w("DB.rw", 1), f.w("DB.meta", 2))
			f.edge(3, "Remap", f.w("DB.mm", 4), f.r("DB.mm", 3))
			return f
		}, [][]string{{"DB.meta", "DB.mm"}, {"DB.meta", "DB.mm", "DB.rw"}, {"DB.mm", "DB.rw"}}, "class"},
		{"read-read-writer-gate-not-held", func() *fixture {
			f := newFixture("rw:A.mu", "rw:B.mu", "Z.mu")
			f.edge(1, "ab", f.r("B.mu", 2), f.r("A.mu", 1))
			f.edge(2, "ba", f.r("A.mu", 1), f.r("B.mu", 2))
			f.edge(3, "writer", f.w("A.mu", 1), f.w("Z.mu", 9))
			f.edge(4, "writer", f.w("B.mu", 2), f.w("Z.mu", 9))
			return f
		}, [][]string{{"A.mu", "B.mu"}}, "class"},
		{"trylock-edge-ignored", func() *fixture {
			f := newFixture("A.mu", "B.mu")
			f.edge(1, "ab", f.w("B.mu", 2), f.w("A.mu", 1))
			f.edge(2, "ba", try(f.w("A.mu", 1)), f.w("B.mu", 2))
			return f
		}, nil, ""},
		{"trylock-held-still-counts", func() *fixture {
			f := newFixture("A.mu", "B.mu")
			f.edge(1, "ab", f.w("B.mu", 2), try(f.w("A.mu", 1)))
			f.edge(2, "ba", f.w("A.mu", 1), f.w("B.mu", 2))
			return f
		}, [][]string{{"A.mu", "B.mu"}}, "class"},
		{"same-class-inversion", func() *fixture {
			f := newFixture("Account.mu")
			f.inst("Account.mu", 1, 1)
			f.inst("Account.mu", 2, 2)
			f.edge(1, "transfer", f.w("Account.mu", 2), f.w("Account.mu", 1))
			f.edge(2, "transfer", f.w("Account.mu", 1), f.w("Account.mu", 2))
			return f
		}, [][]string{{"Account.mu#1 (first locked at app.go:11)", "Account.mu#2 (first locked at app.go:11)"}}, "instance"},
		{"same-class-parent-child", func() *fixture {
			f := newFixture("Node.mu")
			f.edge(1, "walk", f.w("Node.mu", 2), f.w("Node.mu", 1))
			f.edge(1, "walk", f.w("Node.mu", 3), f.w("Node.mu", 2))
			f.edge(2, "walk", f.w("Node.mu", 3), f.w("Node.mu", 1))
			return f
		}, nil, ""},
		{"same-class-five-instances", func() *fixture {
			f := newFixture("Fork.mu")
			for i := range 5 {
				f.inst("Fork.mu", int64(i+1), int64(i+1))
				f.edge(int64(i+1), "dine", f.w("Fork.mu", int64((i+1)%5+1)), f.w("Fork.mu", int64(i+1)))
			}
			return f
		}, [][]string{{"Fork.mu#1 (first locked at app.go:11)", "Fork.mu#2 (first locked at app.go:11)", "Fork.mu#3 (first locked at app.go:11)", "Fork.mu#4 (first locked at app.go:11)", "Fork.mu#5 (first locked at app.go:11)"}}, "instance"},
		{"transitive-edge-not-a-second-cycle", func() *fixture {
			f := newFixture("A.mu", "B.mu", "C.mu")
			f.edge(1, "abc", f.w("C.mu", 3), f.w("A.mu", 1), f.w("B.mu", 2))
			f.edge(1, "ab", f.w("B.mu", 2), f.w("A.mu", 1))
			f.edge(2, "ca", f.w("A.mu", 1), f.w("C.mu", 3))
			return f
		}, [][]string{{"A.mu", "C.mu"}}, "class"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ofKind(analyze(t, tt.build().input()), "lock-order-cycle")
			if len(got) != len(tt.want) {
				t.Fatalf("got %d cycles %v, want %d %v", len(got), locksOf(got), len(tt.want), tt.want)
			}
			for i, f := range got {
				if strings.Join(f.Locks, "|") != strings.Join(tt.want[i], "|") {
					t.Errorf("cycle %d locks = %q, want %q", i, f.Locks, tt.want[i])
				}
				if f.Level != tt.level || f.Severity != findings.Error || f.Confidence != findings.Predicted {
					t.Errorf("level/severity/confidence = %s/%s/%s", f.Level, f.Severity, f.Confidence)
				}
				if len(f.Evidence) != len(f.Locks) || !strings.Contains(f.Message, "Possible unsafe locking scenario") {
					t.Errorf("evidence %d, message %q", len(f.Evidence), f.Message)
				}
			}
		})
	}
}

func locksOf(fs []findings.Finding) [][]string {
	var out [][]string
	for _, f := range fs {
		out = append(out, f.Locks)
	}
	return out
}

func TestCycleEvidenceAndAdvice(t *testing.T) {
	f := newFixture("Account.mu", "Bank.mu")
	f.edge(7, "(*Bank).Audit", f.w("Bank.mu", 1), f.w("Account.mu", 2))
	f.edge(8, "(*Bank).Transfer", f.w("Account.mu", 2), f.w("Bank.mu", 1))
	f.edge(9, "(*Bank).Deposit", f.w("Account.mu", 2), f.w("Bank.mu", 1))
	c := ofKind(analyze(t, f.input()), "lock-order-cycle")[0]
	role := c.Evidence[0].Role
	if !strings.Contains(role, "goroutine 7 takes Bank.mu while holding Account.mu (acquired at app.go:") {
		t.Errorf("role = %q", role)
	}
	if c.Evidence[0].Stack[0].Func != "example.com/app.(*Bank).Audit" || len(c.Evidence[0].Stack) != 1 {
		t.Errorf("stack not trimmed: %+v", c.Evidence[0].Stack)
	}
	if !strings.Contains(c.Advice, "Bank.mu before Account.mu") || !strings.Contains(c.Advice, "app.(*Bank).Audit (app.go:100)") {
		t.Errorf("advice = %q", c.Advice)
	}
	if !strings.Contains(c.Message, "goroutine 2: lock Account.mu (blocks: held by goroutine 1)") {
		t.Errorf("message = %q", c.Message)
	}
}

func TestCycleConcurrent(t *testing.T) {
	for _, conc := range []bool{false, true} {
		t.Run(fmt.Sprint(conc), func(t *testing.T) {
			f := newFixture("A.mu", "B.mu", "C.mu")
			f.edge(1, "ab", f.w("B.mu", 2), f.w("A.mu", 1))
			e := f.edge(2, "ba", f.w("A.mu", 1), f.w("B.mu", 2))
			if conc {
				e.Others = []event.Goroutine{{ID: 1, Held: []event.Lock{f.w("A.mu", 1)}}}
			} else {
				e.Others = []event.Goroutine{{ID: 3, Held: []event.Lock{f.w("C.mu", 3)}}}
			}
			c := ofKind(analyze(t, f.input()), "lock-order-cycle")[0]
			if c.Concurrent == nil || *c.Concurrent != conc {
				t.Fatalf("concurrent = %v, want %v", c.Concurrent, conc)
			}
			word := map[bool]string{true: "seen concurrently", false: "seen at different times; a concurrent run can deadlock"}[conc]
			if !strings.Contains(c.Message, word) {
				t.Errorf("message lacks %q: %s", word, c.Message)
			}
		})
	}
}

func TestDenseGraphBounded(t *testing.T) {
	const n = 200
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("L%03d.mu", i)
	}
	f := newFixture(names...)
	for i := range n {
		for j := range n {
			if i != j {
				f.edge(int64(i+1), "dense", f.w(names[j], int64(j+1)), f.w(names[i], int64(i+1)))
			}
		}
	}
	got := ofKind(analyze(t, f.input()), "lock-order-cycle")
	if len(got) == 0 || len(got) > graph.MaxCycles {
		t.Fatalf("got %d cycles, want 1..%d", len(got), graph.MaxCycles)
	}
	for _, c := range got {
		if c.Truncated == "" {
			t.Fatalf("cycle %v not marked truncated", c.Locks)
		}
	}
}

func TestFingerprint(t *testing.T) {
	build := func(shift int, b string) string {
		f := newFixture("A.mu", b)
		f.line = shift
		f.edge(1, "ab", f.w(b, 2), f.w("A.mu", 1))
		f.edge(2, "ba", f.w("A.mu", 1), f.w(b, 2))
		return ofKind(analyze(t, f.input()), "lock-order-cycle")[0].ID
	}
	if build(0, "B.mu") != build(17, "B.mu") {
		t.Error("fingerprint changed when lines shifted")
	}
	if build(0, "B.mu") == build(0, "C.mu") {
		t.Error("fingerprint identical for different locks")
	}
}

// TestCycleAdviceFollowsTheMajority: the advice keeps the order most
// observations follow and names the sites of the other one; with no
// majority it only gives an example order.
func TestCycleAdviceFollowsTheMajority(t *testing.T) {
	f := newFixture("A.mu", "B.mu", "C.mu")
	f.edge(1, "ab", f.w("B.mu", 2), f.w("A.mu", 1))
	f.edge(3, "ab", f.w("B.mu", 2), f.w("C.mu", 7), f.w("A.mu", 1)) // A -> B again, another chain
	f.edge(2, "ba", f.w("A.mu", 1), f.w("B.mu", 2))
	got := ofKind(analyze(t, f.input()), "lock-order-cycle")
	if len(got) != 1 || !strings.Contains(got[0].Advice, "A.mu before B.mu, the order seen most often") ||
		!strings.Contains(got[0].Advice, "app.ba") {
		t.Fatalf("advice = %+v", got)
	}
	g := newFixture("A.mu", "B.mu")
	g.edge(1, "ab", g.w("B.mu", 2), g.w("A.mu", 1))
	g.edge(2, "ba", g.w("A.mu", 1), g.w("B.mu", 2))
	if got := ofKind(analyze(t, g.input()), "lock-order-cycle"); len(got) != 1 || !strings.Contains(got[0].Advice, "for example") {
		t.Fatalf("tie advice = %+v", got)
	}
}

// TestScenarioNamesWriterAndLocker: a read-read cycle's scenario names the
// writer each read step waits behind, and each goroutine's first lock is
// bracketed with the function that took it, not the one of its next
// acquisition.
func TestScenarioNamesWriterAndLocker(t *testing.T) {
	f := newFixture("rw:A.mu", "rw:B.mu")
	f.edge(1, "ab", f.r("B.mu", 2), f.r("A.mu", 1))
	f.edge(2, "ba", f.r("A.mu", 1), f.r("B.mu", 2))
	f.edge(3, "writer", f.w("A.mu", 1))
	f.edge(4, "writer", f.w("B.mu", 2))
	got := ofKind(analyze(t, f.input()), "lock-order-cycle")
	if len(got) != 1 {
		t.Fatalf("got %d cycles, want 1", len(got))
	}
	for _, want := range []string{
		"goroutine 1: rlock A.mu    [app.lockAmu]", // the RLock site of A.mu, not app.ab
		"goroutine 3: lock B.mu    [app.lockBmu] (queues behind goroutine 2's read lock)",
		"goroutine 1: rlock B.mu (blocks behind goroutine 3, queued on it, while goroutine 2 read-holds it)",
		"goroutine 4: lock A.mu    [app.lockAmu] (queues behind goroutine 1's read lock)",
	} {
		if !strings.Contains(got[0].Message, want) {
			t.Errorf("scenario lacks %q:\n%s", want, got[0].Message)
		}
	}
}
