package gtrace

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// mixed.trace is written by testdata/gen/main.go; see its comment for what
// it holds.
const mixedTrace = "testdata/mixed.trace"

// has reports whether any frame of fs is in a function ending in suffix.
func has(fs []Frame, suffix string) bool {
	for _, f := range fs {
		if strings.HasSuffix(f.Func, suffix) {
			return true
		}
	}
	return false
}

func TestSummaryOfCapturedTrace(t *testing.T) {
	s, err := ReadFile(mixedTrace)
	if err != nil {
		t.Fatal(err)
	}
	if s.Truncated || s.Warning != "" {
		t.Errorf("whole trace read as truncated: %s", s.Warning)
	}
	tests := []struct {
		name, entry, reason string
	}{
		{"leaked sender", "main.leak.func1", ReasonSend},
		{"barrier waiter", "main.barrier.func1", ReasonWaitGroup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, g := range s.Goroutines {
				if has(g.Entry, tt.entry) {
					if g.State != StateWaiting || g.Reason != tt.reason || !g.Known || !has(g.Created, "main.main") {
						t.Errorf("%s: state %s reason %q known %v created %v", tt.entry, g.State, g.Reason, g.Known, g.Created)
					}
					return
				}
			}
			t.Errorf("no goroutine started in %s", tt.entry)
		})
	}
	t.Run("send under lock", func(t *testing.T) {
		for _, b := range s.Blocks {
			if b.Reason == ReasonSend && has(b.Stack, "main.consume") {
				if !has(b.Unblocker, "main.main") || b.Count == 0 || len(b.UnblockerLocks) == 0 {
					t.Errorf("block %+v: want unblocked from main.main, which logged lock class 1", b)
				}
				return
			}
		}
		t.Errorf("no chan send block in main.consume among %d blocks", len(s.Blocks))
	})
}

// TestTruncatedTrace: a trace cut short is read up to the break with a
// warning, or refused when not even the header survives.
func TestTruncatedTrace(t *testing.T) {
	data, err := os.ReadFile(mixedTrace)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Read(bytes.NewReader(data[:len(data)*3/4]))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Truncated || !strings.Contains(s.Warning, "breaks after") {
		t.Errorf("truncated trace: Truncated %v, warning %q", s.Truncated, s.Warning)
	}
	if _, err := Read(bytes.NewReader(data[:5])); err == nil {
		t.Error("a 5-byte trace was accepted")
	}
}

func TestParseLock(t *testing.T) {
	for _, tt := range []struct {
		msg string
		ok  bool
	}{{"3 17 w", true}, {"-2 5 r", true}, {"3 17", false}, {"x 1 w", false}, {"1 2 q", false}} {
		if _, ok := ParseLock(tt.msg); ok != tt.ok {
			t.Errorf("ParseLock(%q) ok = %v", tt.msg, ok)
		}
	}
}

// FuzzSummary: no input makes the summary panic, and whatever it returns
// is consistent.
func FuzzSummary(f *testing.F) {
	data, err := os.ReadFile(mixedTrace)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		for i := 1; i < len(s.Goroutines); i++ {
			if s.Goroutines[i-1].ID >= s.Goroutines[i].ID {
				t.Fatal("goroutines not sorted")
			}
		}
		if s.Truncated != (s.Warning != "") {
			t.Fatal("Truncated and Warning disagree")
		}
	})
}

// TestWaitSpansGenerations: the trace restates a waiting goroutine's state
// at every generation's start (Waiting -> Waiting). Its wait began at the
// block, not at the last restatement; a goroutine first seen in such a
// restatement waited since before the window.
func TestWaitSpansGenerations(t *testing.T) {
	b := newBuilder()
	b.start = 100
	b.transition(transition{g: 7, by: 7, t: 200, from: StateRunning, to: StateWaiting, reason: "chan send", stack: -1, evStack: -1})
	b.transition(transition{g: 8, by: -1, t: 1_000_000, from: StateWaiting, to: StateWaiting, stack: -1, evStack: -1})
	for _, at := range []int64{1_000_000, 2_000_000, 3_000_000} {
		b.transition(transition{g: 7, by: -1, t: at, from: StateWaiting, to: StateWaiting, stack: -1, evStack: -1})
	}
	b.end = 3_000_100
	s := b.finish()
	if g := s.Goroutine(7); g == nil || g.Since != 100 || !g.Known {
		t.Errorf("goroutine 7 = %+v, want waiting since 100ns into the window, known", g)
	}
	if g := s.Goroutine(8); g == nil || g.Known {
		t.Errorf("goroutine 8 = %+v, want a wait start not known", g)
	}
}
