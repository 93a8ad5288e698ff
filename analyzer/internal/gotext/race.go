package gotext

import (
	"strconv"
	"strings"

	"github.com/lockscope/lockscope/findings"
)

// RaceReport is one report of Go's race detector (ThreadSanitizer), as it
// writes them to standard error or to GORACE's log_path files:
//
//	==================
//	WARNING: DATA RACE
//	Write at 0x00c000096028 by goroutine 8:
//	  main.(*Counter).Inc()
//	      /src/main.go:17 +0x53
//
//	Previous read at 0x00c000096028 by main goroutine:
//	  main.(*Counter).Get()
//	      /src/main.go:21 +0x175
//
//	Goroutine 8 (running) created at:
//	  main.main()
//	      /src/main.go:30 +0x97
//	==================
type RaceReport struct {
	// Current is the access that was being made when the race was seen;
	// Previous is the earlier, conflicting one.
	Current, Previous RaceAccess
	// Truncated is set when the report ended before its closing line (a
	// killed process, a cut file) or a part of it could not be read.
	Truncated bool
	// Notes keeps what the detector said besides stacks, such as
	// "[failed to restore the stack]".
	Notes []string
}

// RaceAccess is one of the two accesses of a race.
type RaceAccess struct {
	Write  bool // false for a read
	Atomic bool // the detector said "atomic write" or "atomic read"
	Addr   string
	// Goroutine is the accessing goroutine's ID; 1 for the main goroutine,
	// 0 when the header did not say.
	Goroutine int64
	Stack     []findings.Frame
	// Created is where the goroutine was started; empty for the main
	// goroutine and when the report left it out.
	Created []findings.Frame
	// Finished is set when the goroutine had ended by the time of the
	// report.
	Finished bool
}

// Op names the access: "read", "write", "atomic read" or "atomic write".
func (a RaceAccess) Op() string {
	op := "read"
	if a.Write {
		op = "write"
	}
	if a.Atomic {
		op = "atomic " + op
	}
	return op
}

// The lines that frame a report.
const (
	RaceWarning = "WARNING: DATA RACE"
	raceRule    = "=================="
)

// ParseRace returns every race report in s. s may be a log_path file or a
// process's whole output, with the target's own lines interleaved: lines
// that are not part of a report are skipped. It never fails: a truncated or
// garbled report yields what could be read of it, marked Truncated, and a
// report without any access stack is dropped.
func ParseRace(s string) []RaceReport {
	var out []RaceReport
	var cur *raceParse
	finish := func(complete bool) {
		if cur != nil && cur.r.Current.Stack != nil {
			cur.r.Truncated = cur.r.Truncated || !complete
			out = append(out, cur.r)
		}
		cur = nil
	}
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		trim := strings.TrimSpace(line)
		switch {
		case strings.HasSuffix(trim, RaceWarning):
			finish(false)
			cur = &raceParse{}
			continue
		case cur == nil:
			continue
		case trim == raceRule:
			// a rule closes a report, unless it opens the next one
			next := i+1 < len(lines) && strings.HasSuffix(strings.TrimSpace(lines[i+1]), RaceWarning)
			finish(!next)
			continue
		}
		i = cur.line(line, lines, i)
	}
	finish(false)
	return out
}

// raceParse is the state of one report being read.
type raceParse struct {
	r RaceReport
	// frames is where frame lines go: an access's stack or a creation
	// stack; nil between sections.
	frames *[]findings.Frame
	// byGoroutine finds the access a "Goroutine N created at" belongs to.
	byGoroutine map[int64][]*RaceAccess
}

// line reads one line of a report and returns the index of the last line
// used (a function line takes its file line along).
func (p *raceParse) line(line string, lines []string, i int) int {
	trim := strings.TrimSpace(line)
	if trim == "" {
		p.frames = nil
		return i
	}
	if a, prev, ok := parseAccessHeader(trim); ok {
		acc := &p.r.Current
		if prev {
			acc = &p.r.Previous
		}
		*acc = a
		acc.Stack = []findings.Frame{}
		p.frames = &acc.Stack
		if p.byGoroutine == nil {
			p.byGoroutine = map[int64][]*RaceAccess{}
		}
		p.byGoroutine[a.Goroutine] = append(p.byGoroutine[a.Goroutine], acc)
		return i
	}
	if g, finished, ok := parseCreatedHeader(trim); ok {
		p.frames = nil
		for _, acc := range p.byGoroutine[g] {
			acc.Finished = finished
			acc.Created = []findings.Frame{}
			p.frames = &acc.Created
		}
		if p.frames == nil {
			p.r.Truncated = true // a creation stack for no access read
		}
		return i
	}
	if strings.HasPrefix(trim, "[") && strings.HasSuffix(trim, "]") {
		p.r.Notes = append(p.r.Notes, trim)
		return i
	}
	if p.frames == nil || !strings.HasPrefix(line, "  ") || !strings.HasSuffix(trim, ")") || isFileLine(line) {
		return i // the target's output, interleaved, or a stray file line
	}
	f := findings.Frame{Func: FuncName(trim)}
	if f.Func == "" {
		p.r.Truncated = true
		return i
	}
	if i+1 < len(lines) && isFileLine(lines[i+1]) {
		f.File, f.Line = FileLine(strings.TrimRight(lines[i+1], "\r"))
		i++
	} else {
		p.r.Truncated = true
	}
	*p.frames = append(*p.frames, f)
	return i
}

// isFileLine reports whether line is the file line of a frame: indented,
// with a ":line" after the path.
func isFileLine(line string) bool {
	if !strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "\t") {
		return false
	}
	_, n := FileLine(strings.TrimRight(line, "\r"))
	return n > 0
}

// parseAccessHeader parses "Previous write at 0x00c000096028 by goroutine
// 8:" and its variants ("Read of size 8 at ...", "atomic", "by main
// goroutine").
func parseAccessHeader(s string) (a RaceAccess, prev, ok bool) {
	rest, ok := strings.CutSuffix(s, ":")
	if !ok {
		return a, false, false
	}
	rest, prev = strings.CutPrefix(rest, "Previous ")
	lower := strings.ToLower(rest)
	if a.Atomic = strings.HasPrefix(lower, "atomic "); a.Atomic {
		lower = lower[len("atomic "):]
	}
	switch {
	case strings.HasPrefix(lower, "write "):
		a.Write = true
	case strings.HasPrefix(lower, "read "):
	default:
		return a, false, false
	}
	at := strings.Index(lower, " at ")
	by := strings.Index(lower, " by ")
	if at < 0 || by < at+4 {
		return a, false, false
	}
	a.Addr, _, _ = strings.Cut(strings.TrimSpace(lower[at+4:by]), " ")
	who := strings.TrimSpace(lower[by+4:])
	if strings.HasPrefix(who, "main goroutine") {
		a.Goroutine = 1
	} else if n, ok := strings.CutPrefix(who, "goroutine "); ok {
		n, _, _ = strings.Cut(n, " ")
		a.Goroutine, _ = strconv.ParseInt(n, 10, 64)
	}
	return a, prev, true
}

// parseCreatedHeader parses "Goroutine 8 (running) created at:".
func parseCreatedHeader(s string) (g int64, finished, ok bool) {
	rest, ok := strings.CutPrefix(s, "Goroutine ")
	if !ok || !strings.HasSuffix(rest, " created at:") {
		return 0, false, false
	}
	n, state, _ := strings.Cut(rest, " ")
	g, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return 0, false, false
	}
	return g, strings.HasPrefix(state, "(finished)"), true
}
