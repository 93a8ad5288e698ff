package analyzer

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// pass is what a check sees: the input and its decoded model, with helpers
// that turn recorded stacks into evidence.
type pass struct {
	Input *Input
	Model *model
	// warnings collects what checks want said outside any finding.
	warnings []string
	// traces reads each process's execution trace once.
	traces  traces
	snaps   []snapCycle
	snapsOK bool
	// gates memoises writerGates by class.
	gates map[string][]string
}

// Warn records a warning for Result.Warnings.
func (p *pass) Warn(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

// internalFrame reports whether f belongs to the lock runtime, the Go
// runtime, sync or testing: frames a user does not want at a stack's top.
func internalFrame(fn string) bool {
	for _, pre := range []string{"runtime.", "sync.", "internal/", "testing."} {
		if strings.HasPrefix(fn, pre) {
			return true
		}
	}
	return event.RuntimeFunc(fn) || strings.Contains(fn, "/go-deadlock.")
}

// Frames converts a recorded stack, dropping internal frames from its top
// and runtime.goexit from its bottom (see Trim).
func (p *pass) Frames(st []event.Frame) []findings.Frame {
	out := make([]findings.Frame, len(st))
	for i, f := range st {
		out[i] = findings.Frame(f)
	}
	return trim(out)
}

// trim drops internal frames from the top of a stack and runtime.goexit
// from its bottom. A stack of internal frames only is kept whole.
func trim(fs []findings.Frame) []findings.Frame {
	i := 0
	for i < len(fs) && internalFrame(fs[i].Func) {
		i++
	}
	if i == len(fs) {
		i = 0
	}
	j := len(fs)
	for k := i; k < j; k++ {
		if name, ok := event.RuntimeName(fs[k].Func); ok && name == "Main" {
			j = k // the wrapper lockscope put around the program's main
		}
	}
	for j > i && (fs[j-1].Func == "runtime.goexit" || fs[j-1].Func == "runtime.main" || internalFrame(fs[j-1].Func)) {
		j--
	}
	out := append([]findings.Frame{}, fs[i:j]...)
	for k := range out {
		out[k].Func = findings.MainName(out[k].Func)
	}
	return out
}

// KeyFrame is the frame that locates a stack: the first one in the target's
// module, else the first non-internal one. The zero Frame if st is empty.
func (p *pass) KeyFrame(st []event.Frame) findings.Frame { return p.keyFrame(p.Frames(st)) }

// keyFrame is KeyFrame over a trimmed stack.
func (p *pass) keyFrame(fs []findings.Frame) findings.Frame {
	for _, f := range fs {
		if p.inModule(f.File) && !internalFrame(f.Func) {
			return f
		}
	}
	if len(fs) == 0 {
		return findings.Frame{}
	}
	return fs[0]
}

func (p *pass) inModule(file string) bool {
	dir := p.Input.ModuleDir
	return dir != "" && strings.HasPrefix(file, strings.TrimSuffix(dir, "/")+"/")
}

// location formats a frame for messages: "bank.Transfer (bank.go:40)".
func location(f findings.Frame) string {
	if f.Func == "" {
		return "an unknown site"
	}
	if f.File == "" {
		return findings.ShortFunc(f.Func)
	}
	return fmt.Sprintf("%s (%s:%d)", findings.ShortFunc(f.Func), filepath.Base(f.File), f.Line)
}

// Evidence builds one evidence entry from a recorded stack.
func (p *pass) Evidence(role string, g int64, st []event.Frame, held []string) findings.Evidence {
	return findings.Evidence{Role: role, Goroutine: g, Stack: p.Frames(st), Held: held}
}

// obsEvidence describes an observation of the edge from -> to, with
// held naming the held locks.
func (p *pass) obsEvidence(o *observation, held []string, from, to string) findings.Evidence {
	ev := o.Event
	verb := "takes"
	if modeOf(*ev.Acq) == event.Read {
		verb = "read-locks"
	}
	if o.Try() {
		verb = "try-locks"
	}
	role := fmt.Sprintf("goroutine %d %s %s while holding %s", ev.Goroutine, verb, to, from)
	if loc := o.Proc.SiteLoc(o.Held().Site); loc != "" {
		role += fmt.Sprintf(" (acquired at %s)", loc)
	}
	return p.Evidence(role, ev.Goroutine, ev.Stack, append([]string(nil), held...))
}

// stackFuncs returns the short function names of frames, for fingerprints.
func stackFunc(f findings.Frame) string { return findings.ShortFunc(f.Func) }
