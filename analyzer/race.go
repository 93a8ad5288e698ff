package analyzer

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// maxRaceLog bounds how much of one race log is read (bytes).
const maxRaceLog = 64 << 20

// runRace turns the race detector's reports into data-race findings: one
// per pair of access sites and variable, however often and in whichever
// order of the two accesses it was reported, with the locks each side held.
func runRace(p *pass) ([]findings.Finding, error) {
	src := newSources(p.Input.ModuleDir)
	sites := newLockSites(p.Model.Sites)
	var out []findings.Finding
	for _, pr := range p.Model.Procs {
		reps, warns := raceReports(pr.Process)
		for _, w := range warns {
			p.Warn("%s: %s", pr.Label(), w)
		}
		idx := map[string]int{}
		internal, cut := 0, 0
		for _, r := range reps {
			if internalRace(r) {
				internal++
				continue
			}
			if r.Truncated {
				cut++
			}
			f := p.raceFinding(src, sites, pr, r)
			if i, ok := idx[f.ID]; ok {
				out[i].Count++
				continue
			}
			idx[f.ID] = len(out)
			out = append(out, f)
		}
		if internal > 0 {
			p.Warn("%s: %d race report(s) inside lockscope's own lock runtime were left out; they are lockscope's bug, not yours: please report them", pr.Label(), internal)
		}
		if cut > 0 {
			p.Warn("%s: %d race report(s) were cut short or garbled; their findings may lack a stack", pr.Label(), cut)
		}
	}
	for i := range out {
		if out[i].Count > 1 {
			out[i].Message += fmt.Sprintf(" Reported %d times.", out[i].Count)
		}
	}
	return out, nil
}

// raceReports reads a process's race logs, or its output when it has none.
func raceReports(proc *tracer.Process) ([]gotext.RaceReport, []string) {
	if len(proc.RaceLogs) == 0 {
		if !strings.Contains(proc.OutputTail, gotext.RaceWarning) {
			return nil, nil
		}
		return gotext.ParseRace(proc.OutputTail), nil
	}
	var reps []gotext.RaceReport
	var warns []string
	for _, path := range proc.RaceLogs {
		f, err := os.Open(path)
		if err != nil {
			warns = append(warns, fmt.Sprintf("race log: %v", err))
			continue
		}
		data, err := io.ReadAll(io.LimitReader(f, maxRaceLog+1))
		f.Close()
		if err != nil {
			warns = append(warns, fmt.Sprintf("race log %s: %v", path, err))
		}
		if len(data) > maxRaceLog {
			data = data[:maxRaceLog]
			warns = append(warns, fmt.Sprintf("race log %s passed %d MiB; the rest was not read", path, maxRaceLog>>20))
		}
		reps = append(reps, gotext.ParseRace(string(data))...)
	}
	return reps, warns
}

// internalRace reports whether either access was made by lockscope's own
// runtime (its lock runtime or event encoding) rather than the target.
func internalRace(r gotext.RaceReport) bool {
	for _, st := range [][]findings.Frame{r.Current.Stack, r.Previous.Stack} {
		for _, f := range st {
			if strings.HasPrefix(f.Func, "runtime.") || strings.HasPrefix(f.Func, "internal/") ||
				strings.HasPrefix(f.Func, "sync.") || strings.HasPrefix(f.Func, "sync/atomic.") {
				continue
			}
			if lockscopeCode(f) {
				return true
			}
			break
		}
	}
	return false
}

// lockscopeCode reports whether f is in the code lockscope links into
// targets: its own module's packages, or their copies inside a vendored
// target module (modpath/_lockscope/...).
func lockscopeCode(f findings.Frame) bool {
	if event.OwnFunc(f.Func) {
		return true
	}
	for _, dir := range []string{"/tracer/lockrt/", "/tracer/event/", "/_lockscope/lockrt/", "/_lockscope/event/"} {
		if strings.Contains(f.File, dir) {
			return true
		}
	}
	return false
}

// raceSide is one access of a race, as the finding describes it.
type raceSide struct {
	acc   gotext.RaceAccess
	stack []findings.Frame
	key   findings.Frame // the access's frame in the target's code
	// created is the key frame of the go statement that started the
	// goroutine, for when the access's own stack was lost.
	created findings.Frame
	code    string
	held    []heldLock
	cands   []varCand
}

// where names the function of the access. When the race detector lost
// the access's stack ("[failed to restore the stack]"), it names the
// goroutine instead: where it was started, or the main goroutine.
func (s raceSide) where() string {
	switch {
	case s.key.Func != "":
		return raceFunc(s.key.Func)
	case s.created.Func != "":
		return fmt.Sprintf("a goroutine started in %s (%s)", raceFunc(s.created.Func), locWords(s.created))
	case s.acc.Goroutine == 1:
		return "the main goroutine"
	}
	return "an unknown function"
}

func (s raceSide) who() string {
	if s.acc.Goroutine == 1 && len(s.acc.Created) == 0 {
		return "the main goroutine"
	}
	return fmt.Sprintf("goroutine %d", s.acc.Goroutine)
}

func (s raceSide) heldNames() []string {
	var out []string
	for _, h := range s.held {
		out = append(out, h.Name)
	}
	return out
}

// raceFinding describes one race report.
func (p *pass) raceFinding(src *sources, sites lockSites, pr *proc, r gotext.RaceReport) findings.Finding {
	a, b := p.raceSide(src, sites, r.Current), p.raceSide(src, sites, r.Previous)
	v := raceVar(a, b)
	name := v
	if name == "" {
		name = "the memory at " + locWords(a.key)
	}
	f := findings.Finding{
		Kind: findings.KindDataRace, Severity: findings.Error, Confidence: findings.Observed, Package: pr.Process.Package,
		Title:   fmt.Sprintf("Data race on %s: %s in %s, %s in %s", name, a.acc.Op(), a.where(), b.acc.Op(), b.where()),
		Locks:   raceLocks(v, a, b),
		Advice:  raceAdvice(name, a, b),
		Count:   1,
		Message: raceMessage(name, a, b),
	}
	if a.key.Func == "" || b.key.Func == "" {
		f.Message += " The race detector could not restore the stack of one access (it keeps a bounded history); that access is named by its goroutine."
	}
	f.Evidence = []findings.Evidence{
		{Role: sideRole(a, ""), Goroutine: a.acc.Goroutine, Stack: a.stack, Held: a.heldNames()},
		{Role: sideRole(b, "previous "), Goroutine: b.acc.Goroutine, Stack: b.stack, Held: b.heldNames()},
	}
	for _, s := range []raceSide{a, b} {
		if len(s.acc.Created) > 0 {
			f.Evidence = append(f.Evidence, findings.Evidence{Role: s.who() + " was created here", Goroutine: s.acc.Goroutine, Stack: trim(s.acc.Created)})
		}
	}
	keys := []string{raceFunc(a.key.Func) + "\x02" + a.code, raceFunc(b.key.Func) + "\x02" + b.code}
	sort.Strings(keys)
	f.ID = findings.Fingerprint(f.Kind, []string{v}, append(keys, pr.Process.Package))
	return f
}

func (p *pass) raceSide(src *sources, sites lockSites, acc gotext.RaceAccess) raceSide {
	s := raceSide{acc: acc, stack: trim(acc.Stack)}
	s.key = p.keyFrame(s.stack)
	s.created = p.keyFrame(trim(acc.Created))
	if f := src.file(s.key.File); f != nil {
		s.code = f.code(s.key.Line)
		s.cands = src.candidates(f, s.key.Line)
	}
	s.held = src.held(s.stack, sites, p.Model.Sites)
	return s
}

// raceVar names the raced variable: one both access lines touch, else
// what the write assigns, else the first variable of either line; "" when
// the source did not tell.
func raceVar(a, b raceSide) string {
	for _, typed := range []bool{true, false} {
		for _, ca := range a.cands {
			for _, cb := range b.cands {
				if ca.name == cb.name && ca.typed == typed && !ca.local {
					return ca.name
				}
			}
		}
	}
	for _, s := range []raceSide{a, b} {
		for _, c := range s.cands {
			if s.acc.Write && c.lhs && !c.local {
				return c.name
			}
		}
	}
	for _, s := range []raceSide{a, b} {
		for _, c := range s.cands {
			if !c.local {
				return c.name
			}
		}
	}
	return ""
}

// raceLocks lists the variable first, then every lock either side held.
func raceLocks(v string, a, b raceSide) []string {
	out := []string{}
	if v != "" {
		out = append(out, v)
	}
	for _, n := range append(a.heldNames(), b.heldNames()...) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func sideRole(s raceSide, prev string) string {
	role := fmt.Sprintf("%s%s by %s in %s", prev, s.acc.Op(), s.who(), s.where())
	if s.code != "" {
		role += ": " + s.code
	}
	return role + " (holding " + heldWords(s.held) + ")"
}

func heldWords(hs []heldLock) string {
	if len(hs) == 0 {
		return "no lock"
	}
	var ws []string
	for _, h := range hs {
		w := h.Name
		if h.Read {
			w += " (read)"
		}
		ws = append(ws, w)
	}
	return strings.Join(ws, ", ")
}

func locWords(f findings.Frame) string {
	if f.File == "" {
		return "an unknown site"
	}
	return fmt.Sprintf("%s:%d", baseName(f.File), f.Line)
}

// raceFunc names a function as a reader would: "Counter.Inc" for
// "example.com/kv.(*Counter).Inc", "main.func1" for a closure of main.
func raceFunc(fn string) string {
	fn = findings.ShortFunc(fn)
	if _, rest, ok := strings.Cut(fn, "."); ok && rest != "" {
		fn = rest
	}
	return strings.NewReplacer("(*", "", ")", "", "(", "").Replace(fn)
}
