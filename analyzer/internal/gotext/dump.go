package gotext

import (
	"strconv"
	"strings"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// Stack is one goroutine of a goroutine dump in runtime.Stack's format
// (also what SIGQUIT and an unrecovered panic print):
//
//	goroutine 7 [sync.Mutex.Lock, 2 minutes]:
//	main.(*Bank).Transfer(0xc000010000, ...)
//		/src/bank.go:40 +0x1d
//	created by main.main in goroutine 1
//		/src/main.go:12 +0x45
type Stack struct {
	ID    int64
	State string // "running", "chan receive", "sync.Mutex.Lock", ...
	// Wait is how long the goroutine has been blocked, as printed
	// ("2 minutes"); "" when the runtime did not say.
	Wait   string
	Locked bool // "locked to thread"
	Frames []findings.Frame
	// CreatedBy is the go statement that started the goroutine; its Func
	// is empty for the main goroutine.
	CreatedBy findings.Frame
	// Elided is set when the runtime left frames out.
	Elided bool
	// Test is the goroutine's lockscope.test label (the test that started
	// it), when the dump shows labels; "" otherwise.
	Test string
	// Leaked is set when the Go runtime's goroutine leak profile proved
	// the goroutine leaked (its state ends in " (leaked)"; State does not
	// keep that suffix).
	Leaked bool
}

// ParseDump parses every goroutine of a dump. Text that is not part of a
// goroutine block (a panic message, test output) is skipped, so the whole
// output of a crashed process can be passed. It never fails: a malformed
// block yields what could be read of it.
func ParseDump(s string) []Stack {
	var out []Stack
	var cur *Stack
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		if g, ok := parseHeader(line); ok {
			out = append(out, g)
			cur = &out[len(out)-1]
			continue
		}
		if cur == nil {
			continue
		}
		if line == "" {
			cur = nil
			continue
		}
		var ok bool
		if i, ok = cur.addLine(line, lines, i); !ok {
			cur = nil
		}
	}
	return out
}

// addLine reads a function line and its file line; it returns the index
// of the last line used, and false when line is not part of a stack (the
// output that follows a dump).
func (g *Stack) addLine(line string, lines []string, i int) (int, bool) {
	if strings.HasPrefix(line, "...") {
		g.Elided = true
		return i, true
	}
	if strings.HasPrefix(line, "\t") {
		return i, true // a file line without its function line
	}
	hasFile := i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t")
	created := strings.HasPrefix(line, "created by ")
	if !created && !hasFile && !strings.Contains(line, "(") {
		return i, false
	}
	f := findings.Frame{Func: FuncName(line)}
	if created {
		f.Func = strings.TrimPrefix(line, "created by ")
		if j := strings.Index(f.Func, " in goroutine "); j >= 0 {
			f.Func = f.Func[:j]
		}
	}
	if hasFile {
		f.File, f.Line = FileLine(strings.TrimRight(lines[i+1], "\r"))
		i++
	}
	if created {
		g.CreatedBy = f
	} else {
		g.Frames = append(g.Frames, f)
	}
	return i, true
}

// parseHeader parses "goroutine 7 [state, 2 minutes, locked to thread]:",
// also with the "gp=... m=..." fields GOTRACEBACK=system adds, labels, and
// a state the leak profile marked "(leaked)".
func parseHeader(line string) (Stack, bool) {
	rest, ok := strings.CutPrefix(line, "goroutine ")
	if !ok || !strings.HasSuffix(line, ":") {
		return Stack{}, false
	}
	// GODEBUG=tracebacklabels=1 adds the goroutine's labels: Go 1.26
	// inside the brackets ("[select labels:{"k": "v"}]:"), Go 1.27 after
	// them ("[select] {k: v}:"). The lock runtime turns it on in tests.
	test := ""
	if i := strings.Index(rest, "] {"); i >= 0 {
		test = event.LabelValue(rest[i+3:], "lockscope.test: ", false)
		rest = rest[:i] + "]:"
	}
	if i := strings.Index(rest, " labels:{"); i >= 0 {
		test = event.LabelValue(rest[i+len(" labels:{"):], `"lockscope.test": `, true)
		rest = rest[:i] + "]:"
	}
	if !strings.HasSuffix(rest, "]:") {
		return Stack{}, false
	}
	sp := strings.IndexByte(rest, ' ')
	open := strings.IndexByte(rest, '[')
	if sp < 0 || open < sp {
		return Stack{}, false
	}
	id, err := strconv.ParseInt(rest[:sp], 10, 64)
	if err != nil {
		return Stack{}, false
	}
	g := Stack{ID: id, Test: test}
	parts := strings.Split(rest[open+1:len(rest)-2], ", ")
	g.State, g.Leaked = strings.CutSuffix(parts[0], " (leaked)")
	for _, p := range parts[1:] {
		switch {
		case p == "locked to thread":
			g.Locked = true
		case strings.HasSuffix(p, "minutes") || strings.HasSuffix(p, "minute"):
			g.Wait = p
		}
	}
	return g, true
}

// funcName strips the argument list from "pkg.(*T).m(0x1, {0x2, 0x3})".
func FuncName(line string) string {
	if !strings.HasSuffix(line, ")") {
		return line
	}
	depth := 0
	for i := len(line) - 1; i >= 0; i-- {
		switch line[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return line[:i]
			}
		}
	}
	return line
}

// fileLine parses "\t/src/bank.go:40 +0x1d".
func FileLine(line string) (string, int) {
	line = strings.TrimSpace(line)
	if i := strings.LastIndex(line, " +0x"); i >= 0 {
		line = line[:i]
	}
	i := strings.LastIndexByte(line, ':')
	if i < 0 {
		return line, 0
	}
	n, err := strconv.Atoi(line[i+1:])
	if err != nil {
		return line, 0
	}
	return line[:i], n
}

// stackByID indexes a parsed dump.
func StackByID(gs []Stack) map[int64]*Stack {
	m := map[int64]*Stack{}
	for i := range gs {
		m[gs[i].ID] = &gs[i]
	}
	return m
}
