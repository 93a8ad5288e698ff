package lockrt

import (
	"bytes"
	"io"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
)

// The Go runtime's goroutine leak profile (Go 1.26 with
// GOEXPERIMENT=goroutineleakprofile, built in from Go 1.27) runs a garbage
// collection that marks the goroutines blocked on channels, select,
// WaitGroup, Cond or locks that no runnable goroutine can reach: they can
// never wake, with no false positives. A marked goroutine's state in later
// dumps ends in " (leaked)", and stays so. A first query can under-report;
// a second one is complete.

// leakProfile is the name of the Go runtime's leak profile.
const leakProfile = "goroutineleak"

// queryLeaks queries the leak profile twice so that dumps taken after it
// mark every leaked goroutine. It returns the profile's name, or "" when
// the toolchain has none.
func queryLeaks() string {
	p := pprof.Lookup(leakProfile)
	if p == nil {
		return ""
	}
	for i := 0; i < 2; i++ {
		_ = p.WriteTo(io.Discard, 1)
	}
	return leakProfile
}

// leakTotal queries the leak profile once and returns its count of leaked
// goroutines, or -1 without a profile.
func leakTotal() int {
	p := pprof.Lookup(leakProfile)
	if p == nil {
		return -1
	}
	var b bytes.Buffer
	_ = p.WriteTo(&b, 1)
	line, _, _ := strings.Cut(b.String(), "\n")
	n, err := strconv.Atoi(strings.TrimPrefix(line, leakProfile+" profile: total "))
	if err != nil {
		return -1
	}
	return n
}

// leakPoll is how often a running target is asked for leaks.
const leakPoll = time.Second

var monitorOnce sync.Once

// monitorLeaks starts, once, a goroutine that queries the leak profile
// every leakPoll while the target runs and writes the goroutines newly
// proved leaked as KindLeak "running", one per test (or none), so that a
// partial deadlock is reported even when the target later finishes or is
// stopped. Without a leak profile it does nothing.
func (r *recorder) monitorLeaks() {
	if pprof.Lookup(leakProfile) == nil {
		return
	}
	monitorOnce.Do(func() { go r.leakLoop() })
}

func (r *recorder) leakLoop() {
	t := time.NewTicker(leakPoll)
	defer t.Stop()
	for {
		select {
		case <-r.quit:
			return
		case <-t.C:
		}
		n := int64(leakTotal())
		if n <= leaksSeen.Load() {
			continue // nothing new (the count only grows, as leaks are for good)
		}
		leaksSeen.Store(n)
		r.tellLeaked("running")
	}
}

// leaksSeen is the leak profile's count when goroutines proved leaked
// were last written.
var leaksSeen aI64

// tellLeaked confirms the leak profile and writes the goroutines it
// marked, one KindLeak per test (the analyzer merges what several events
// list twice).
func (r *recorder) tellLeaked(reason string) {
	proof := queryLeaks()
	if proof == "" {
		return
	}
	byTest := map[string]*strings.Builder{}
	var tests []string
	n := 0
	for _, g := range parseLabelled(dump()) {
		if !g.leaked || !g.user() {
			continue
		}
		if n++; n > maxLeaks {
			break
		}
		b := byTest[g.test]
		if b == nil {
			b = &strings.Builder{}
			byTest[g.test] = b
			tests = append(tests, g.test)
		}
		b.WriteString(g.text)
		b.WriteString("\n\n")
	}
	for _, name := range tests {
		r.emit(&event.Event{Kind: event.KindLeak, Reason: reason, Test: name, Proof: proof, Dump: byTest[name].String()})
	}
}

// labelled is one goroutine of a dump, with its test label.
type labelled struct {
	id      int64
	state   string // without " (leaked)" and the wait time
	leaked  bool   // proved by the leak profile
	test    string // the testLabel value; "" if none
	text    string // the goroutine's block of the dump
	funcs   []string
	creator string // the function of its go statement
}

// blocked reports whether g waits for another goroutine or a timer.
func (g *labelled) blocked() bool {
	switch g.state {
	case "running", "runnable", "syscall", "":
		return false
	}
	return !strings.HasPrefix(g.state, "IO wait")
}

// user reports whether g runs, or was started by, code of the target's
// modules (the main module and its dependencies, as the build info lists
// them), rather than only the standard library's; goroutines the lock
// runtime started are not.
func (g *labelled) user() bool {
	if g.creator != "" && strings.HasPrefix(g.creator, pkgPrefix) {
		return false
	}
	for _, fn := range g.funcs {
		if userFunc(fn) {
			return true
		}
	}
	return false
}

var (
	modsOnce sync.Once
	mods     []string
)

// userFunc reports whether the function named fn (as stack traces name
// it) belongs to a module of the build.
func userFunc(fn string) bool {
	modsOnce.Do(func() {
		if bi, ok := debug.ReadBuildInfo(); ok {
			mods = append(mods, bi.Main.Path)
			for _, d := range bi.Deps {
				mods = append(mods, d.Path)
			}
		}
	})
	for _, m := range mods {
		if m != "" && strings.HasPrefix(fn, m) && len(fn) > len(m) && (fn[len(m)] == '.' || fn[len(m)] == '/') {
			return true
		}
	}
	return false
}

// parseLabelled splits a runtime.Stack(all) dump into goroutines. Headers
// carry labels when GODEBUG=tracebacklabels=1, as Go 1.26 prints them
// ("goroutine 7 [chan send (leaked) labels:{"k": "v"}]:") or Go 1.27
// ("goroutine 7 [chan send (leaked)] {k: v}:").
func parseLabelled(d string) []labelled {
	var out []labelled
	for _, block := range strings.Split(d, "\n\n") {
		block = strings.TrimLeft(block, "\n")
		head, body, _ := strings.Cut(block, "\n")
		rest, ok := strings.CutPrefix(head, "goroutine ")
		if !ok {
			continue
		}
		sp := strings.IndexByte(rest, ' ')
		if sp < 0 {
			continue
		}
		g := labelled{text: block}
		g.id, _ = strconv.ParseInt(rest[:sp], 10, 64)
		g.state, g.leaked, g.test = parseState(rest[sp+1:])
		for _, line := range strings.Split(body, "\n") {
			if line == "" || line[0] == '\t' {
				continue
			}
			fn, created := strings.CutPrefix(line, "created by ")
			if i := strings.Index(fn, " in goroutine "); i >= 0 {
				fn = fn[:i]
			} else if i := strings.LastIndexByte(fn, '('); i > 0 {
				fn = fn[:i]
			}
			if created {
				g.creator = fn
			}
			g.funcs = append(g.funcs, fn)
		}
		out = append(out, g)
	}
	return out
}

// parseState reads the bracketed part of a goroutine header and what
// follows it.
func parseState(s string) (state string, leaked bool, test string) {
	if i := strings.Index(s, "labels:{"); i >= 0 { // Go 1.26
		test = event.LabelValue(s[i+len("labels:{"):], strconv.Quote(testLabel)+": ", true)
		s = s[:i]
	} else if i := strings.Index(s, "] {"); i >= 0 { // Go 1.27
		test = event.LabelValue(s[i+len("] {"):], testLabel+": ", false)
		s = s[:i]
	}
	s = strings.TrimPrefix(s, "[")
	s = strings.TrimSuffix(strings.TrimSuffix(s, "]:"), " ")
	if i := strings.Index(s, ", "); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, " ")
	state, leaked = strings.CutSuffix(s, " (leaked)")
	return state, leaked, test
}
