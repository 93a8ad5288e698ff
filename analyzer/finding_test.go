package analyzer

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

func TestMisuse(t *testing.T) {
	tests := []struct {
		kind  event.Kind
		title string
	}{
		{event.KindDoubleLock, "Double lock of A.mu in app.deposit"},
		{event.KindRecursiveRLock, "Recursive RLock of A.mu in app.deposit"},
		{event.KindUnlockOfUnlocked, "Unlock of unlocked A.mu in app.deposit"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			f := newFixture("rw:A.mu")
			l := f.w("A.mu", 1)
			if tt.kind == event.KindRecursiveRLock {
				l = f.r("A.mu", 1)
			}
			if tt.kind == event.KindUnlockOfUnlocked {
				l.Site = f.site("A.mu", "Unlock")
			}
			for range 2 { // the same site twice: one finding
				f.add(event.Event{Kind: tt.kind, Goroutine: 4, Held: []event.Lock{l}, Acq: &l, Stack: f.stack("deposit")})
			}
			res := analyze(t, f.input())
			got := ofKind(res, findings.Kind(tt.kind))
			if len(got) != 1 || got[0].Title != tt.title || got[0].Confidence != findings.Observed {
				t.Fatalf("got %+v", got)
			}
			if len(ofKind(res, "target-failure")) != 0 {
				t.Error("target-failure reported for a misuse already explained")
			}
		})
	}
}

func TestLockLeak(t *testing.T) {
	f := newFixture("A.mu", "B.mu")
	f.add(event.Event{Kind: event.KindSnapshot, Reason: "exit", Goroutines: []event.Goroutine{
		{ID: 5, Held: []event.Lock{f.w("A.mu", 1)}},
		{ID: 1, Held: []event.Lock{f.w("B.mu", 2)}},
	}, Dump: "goroutine 1 [running]:\nmain.main()\n\t/mod/main.go:3 +0x1\n"})
	f.add(event.Event{Kind: event.KindSnapshot, Reason: "signal", Goroutines: []event.Goroutine{{ID: 9, Held: []event.Lock{f.w("B.mu", 2)}}}})
	got := ofKind(analyze(t, f.input()), "lock-leak")
	if len(got) != 2 {
		t.Fatalf("got %d leaks: %+v", len(got), got)
	}
	if got[0].Severity != findings.Error || got[0].Locks[0] != "A.mu" || !strings.Contains(got[0].Message, "ended without unlocking") {
		t.Errorf("ended leak = %+v", got[0])
	}
	if got[1].Severity != findings.Warning || got[1].Locks[0] != "B.mu" || !strings.Contains(got[1].Message, "still held it") {
		t.Errorf("alive leak = %+v", got[1])
	}
}

const hangDump = `goroutine 7 [sync.Mutex.Lock, 2 minutes]:
github.com/lockscope/lockscope/tracer/lockrt.(*Mutex).Lock(0xc0000)
	/rt/mutex.go:50 +0x1d
example.com/app.transfer(0x1)
	/mod/app.go:40 +0x1d

goroutine 8 [sync.Mutex.Lock, 2 minutes]:
example.com/app.audit()
	/mod/app.go:60 +0x1d
`

func TestHangCycle(t *testing.T) {
	f := newFixture("A.mu", "B.mu")
	f.edge(7, "transfer", f.w("B.mu", 2), f.w("A.mu", 1))
	f.edge(8, "audit", f.w("A.mu", 1), f.w("B.mu", 2))
	wantB, wantA := f.w("B.mu", 2), f.w("A.mu", 1)
	wantB.Since, wantA.Since = 1e9, 2e9
	f.add(event.Event{Kind: event.KindSnapshot, Reason: "signal", Time: 5e9, Dump: hangDump, Goroutines: []event.Goroutine{
		{ID: 7, Held: []event.Lock{f.w("A.mu", 1)}, Waiting: &wantB},
		{ID: 8, Held: []event.Lock{f.w("B.mu", 2)}, Waiting: &wantA},
	}})
	in := f.input()
	in.Processes[0].TimedOut = true
	res := analyze(t, in)
	h := ofKind(res, "hang")
	if len(h) != 1 || strings.Join(h[0].Locks, ",") != "A.mu,B.mu" {
		t.Fatalf("hang = %+v", h)
	}
	if !strings.Contains(h[0].Message, "goroutine 7 holds A.mu (instance 0x1) and waits for 4s for B.mu") || len(h[0].Evidence) != 2 {
		t.Errorf("message = %q", h[0].Message)
	}
	if top := h[0].Evidence[0].Stack[0]; top.Func != "example.com/app.transfer" || top.Line != 40 {
		t.Errorf("evidence stack top = %+v", top)
	}
	if c := ofKind(res, "lock-order-cycle"); len(c) != 1 || c[0].Confidence != findings.Observed {
		t.Errorf("cycle confirmed by the snapshot should be observed: %+v", c)
	}
	if len(ofKind(res, "target-failure")) != 0 {
		t.Error("a hang is not also a target failure")
	}
}

// TestHangNamesUnsettled: goroutines the snapshot left out because their
// locks changed while it was taken are named, not silently dropped.
func TestHangNamesUnsettled(t *testing.T) {
	f := newFixture("A.mu")
	want := f.w("A.mu", 1)
	f.add(event.Event{Kind: event.KindSnapshot, Reason: "signal", Time: 5e9, Dump: hangDump, Unsettled: []int64{9, 12},
		Goroutines: []event.Goroutine{{ID: 7, Waiting: &want}}})
	in := f.input()
	in.Processes[0].TimedOut = true
	h := ofKind(analyze(t, in), "hang")
	if len(h) != 1 || !strings.Contains(h[0].Message, "Goroutines 9 and 12 were taking or releasing locks while the snapshot was taken") {
		t.Fatalf("hang = %+v", h)
	}
}

func TestHangWithoutSnapshot(t *testing.T) {
	in := newFixture().input()
	in.Processes[0].TimedOut = true
	in.Processes[0].OutputTail = "SIGQUIT: quit\n\n" + hangDump
	h := ofKind(analyze(t, in), "hang")
	if len(h) != 1 || !strings.Contains(h[0].Message, "did not answer") || len(h[0].Evidence) != 2 {
		t.Fatalf("hang = %+v", h)
	}
}

func TestTargetFailure(t *testing.T) {
	in := newFixture().input()
	in.Processes[0].ExitCode = 1
	in.Processes[0].OutputTail = "=== RUN   TestA\n--- FAIL: TestA (0.00s)\n    a_test.go:9: boom\n--- FAIL: TestB/sub (0.01s)\nFAIL\nFAIL\texample.com/app\t0.01s\n"
	got := ofKind(analyze(t, in), "target-failure")
	if len(got) != 1 || !strings.Contains(got[0].Message, "Failed tests: TestA, TestB/sub.") {
		t.Fatalf("got %+v", got)
	}
	in.Processes[0].OutputTail = "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 6 [running]:\nexample.com/app.get()\n\t/mod/app.go:7 +0x1d\n"
	got = ofKind(analyze(t, in), "target-failure")
	if len(got) != 1 || !strings.Contains(got[0].Title, "panicked: runtime error") || got[0].Evidence[0].Stack[0].Func != "example.com/app.get" {
		t.Fatalf("got %+v", got)
	}
}

func TestDeterministic(t *testing.T) {
	build := func() []byte {
		f := newFixture("A.mu", "B.mu", "C.mu")
		f.edge(1, "ab", f.w("B.mu", 2), f.w("A.mu", 1))
		f.edge(2, "bc", f.w("C.mu", 3), f.w("B.mu", 2))
		f.edge(3, "ca", f.w("A.mu", 1), f.w("C.mu", 3))
		f.edge(4, "ba", f.w("A.mu", 1), f.w("B.mu", 2))
		f.add(event.Event{Kind: event.KindStats, Stats: []event.ClassStats{{Class: 1, Contended: 3, WaitNs: 10}, {Class: 2, Contended: 1, WaitNs: 50}}})
		in := f.input()
		in.Processes = append(in.Processes, &tracer.Process{Run: 2, Package: "example.com/app", Events: f.evs})
		b, err := json.Marshal(analyze(t, in))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := build(), build()
	if !bytes.Equal(a, b) {
		t.Fatalf("two analyses differ:\n%s\n%s", a, b)
	}
	var res findings.Result
	if err := json.Unmarshal(a, &res); err != nil {
		t.Fatal(err)
	}
	if res.Contention[0].Lock != "B.mu" || res.Contention[0].WaitNs != 100 || res.Contention[1].Waits != 6 {
		t.Errorf("contention = %+v", res.Contention)
	}
	if len(res.Graph.Nodes) != 3 || len(res.Graph.Edges) != 4 || !res.Graph.Edges[0].InCycle {
		t.Errorf("graph = %+v", res.Graph)
	}
}

func TestChecksDocumentEveryKind(t *testing.T) {
	kinds := []string{"lock-order-cycle", "double-lock", "recursive-rlock", "unlock-of-unlocked", "mixed-deadlock",
		"blocking-under-lock", "blocked-forever", "hang", "data-race", "contention", "long-hold", "lock-leak", "target-failure",
		"unexplained-suppression"}
	if len(findings.Checks()) != len(kinds) {
		t.Errorf("%d checks, want %d", len(findings.Checks()), len(kinds))
	}
	for _, k := range kinds {
		c := findings.Lookup(findings.Kind(k))
		if c == nil || c.Title == "" || c.Doc == "" || c.Advice == "" || c.Severity == "" {
			t.Errorf("kind %s is not documented: %+v", k, c)
		}
	}
}

func TestWarnings(t *testing.T) {
	f := newFixture()
	f.add(event.Event{Kind: event.KindOverflow, Reason: event.OverflowChains})
	f.add(event.Event{Kind: event.KindOverflow, Reason: event.OverflowHeldDepth})
	f.add(event.Event{Kind: event.KindOverflow, Reason: event.OverflowOrdinals})
	in := f.input()
	in.Processes[0].EventWarnings = []string{"event log ends in a truncated record (line 9, 40 bytes lost)"}
	w := analyze(t, in).Warnings
	if len(w) != 4 || !strings.HasPrefix(w[0], "run 1 of example.com/app: event log ends") || !strings.Contains(w[1], "table of lock chains filled up") ||
		!strings.Contains(w[2], "more than 16 locks") || !strings.Contains(w[2], "lock-order cycles") || !strings.Contains(w[3], "instance numbers") {
		t.Fatalf("warnings = %q", w)
	}
}

// TestLockLeakAcrossFunctions: a lock taken in one function and released in
// another (a transaction's Begin and Commit) leaked by several goroutines is
// one finding that counts them and points at the releasing functions.
func TestLockLeakAcrossFunctions(t *testing.T) {
	f := newFixture("DB.writer")
	lock := f.w("DB.writer", 1)
	f.sites.Sites = append(f.sites.Sites, event.Site{ID: int32(len(f.sites.Sites)), Op: "Unlock", Class: f.ids["DB.writer"],
		Frame: event.Frame{Func: "example.com/app.(*Txn).Commit", File: "/mod/app.go", Line: 40}})
	var gs []event.Goroutine
	for i := int64(0); i < 3; i++ {
		l := lock
		l.Inst = i + 1
		gs = append(gs, event.Goroutine{ID: 20 + i, Held: []event.Lock{l}})
	}
	f.add(event.Event{Kind: event.KindSnapshot, Reason: "exit", Goroutines: gs, Dump: "goroutine 1 [running]:\nmain.main()\n\t/mod/main.go:3 +0x1\n"})
	got := ofKind(analyze(t, f.input()), "lock-leak")
	if len(got) != 1 {
		t.Fatalf("got %d leak findings, want one for the three goroutines: %+v", len(got), got)
	}
	if got[0].Count != 3 || !strings.Contains(got[0].Message, "3 DB.writer locks in all, held by goroutines 20, 21, 22") {
		t.Errorf("message does not count the leaks: %q", got[0].Message)
	}
	if !strings.Contains(got[0].Advice, "unlocked elsewhere") || !strings.Contains(got[0].Advice, "Commit") {
		t.Errorf("advice does not point at the releasing function: %q", got[0].Advice)
	}
}

func TestFingerprintIgnoresTestNames(t *testing.T) {
	base := findings.Fingerprint("double-lock", []string{"A.mu"}, []string{"bank.TestTransfer.func1"})
	tests := []struct {
		fn   string
		same bool
	}{
		{"bank.TestTransferRenamed.func1", true},
		{"bank.Test_transfer.func1", true},
		{"bank.TestTransfer.func2", false}, // another closure is another site
		{"bank.Testify.func1", false},      // not a test: lower case after Test
		{"bank.Transfer.func1", false},
	}
	for _, tt := range tests {
		if got := findings.Fingerprint("double-lock", []string{"A.mu"}, []string{tt.fn}) == base; got != tt.same {
			t.Errorf("%s: same ID = %v, want %v", tt.fn, got, tt.same)
		}
	}
}
