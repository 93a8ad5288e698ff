package reports

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/lockscope/lockscope/findings"
)

// textFrames is how many frames of each stack the text summary shows; the
// whole stacks are in findings.json.
const textFrames = 6

// writeText writes the summary a person reads in a terminal or a CI log.
func writeText(w io.Writer, res *findings.Result) error {
	tw := &textWriter{w: w, dir: res.Target.Dir, res: res}
	tw.header(res)
	for i := range res.Findings {
		tw.finding(&res.Findings[i])
	}
	tw.fixed(res.Fixed)
	tw.contention(res.Contention)
	for _, warn := range res.Warnings {
		tw.printf("note: %s\n", warn)
	}
	tw.footer(res)
	return tw.err
}

type textWriter struct {
	w   io.Writer
	dir string // module root: paths under it are shown relative
	err error
	res *findings.Result
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func (t *textWriter) header(res *findings.Result) {
	tg := res.Target
	name := tg.Name
	if tg.Variant != "" {
		name += " (" + tg.Variant + ")"
	}
	t.printf("lockscope %s: %s %s, %s\n", res.Tool.Version, tg.Kind, name, plural(tg.Runs, "run"))
	for _, r := range res.Runs {
		state := fmt.Sprintf("exit %d", r.ExitCode)
		if r.TimedOut {
			state = "timed out, stopped"
		}
		t.printf("  %s: %s in %s", runName(r), state, time.Duration(r.DurationMs)*time.Millisecond)
		if r.Output != "" {
			t.printf("; output: %s", r.Output)
		}
		t.printf("\n")
	}
	t.printf("\n")
}

func runName(r findings.RunSummary) string {
	name := r.Package
	if name == "" {
		name = "target"
	}
	if r.Run > 1 {
		name += fmt.Sprintf(" (run %d)", r.Run)
	}
	return name
}

func (t *textWriter) finding(f *findings.Finding) {
	mark := ""
	switch {
	case f.Suppression != nil:
		mark = " (suppressed)"
	case f.Baselined:
		mark = " (baselined)"
	}
	t.printf("%s%s %s [%s] %s\n", strings.ToUpper(string(f.Severity)), mark, f.Kind, f.Confidence, f.Title)
	if s := f.Suppression; s != nil {
		where := s.File
		if s.Line > 0 {
			where = fmt.Sprintf("%s:%d", s.File, s.Line)
		}
		t.printf("  suppressed by %s at %s: %s\n", s.Source, where, s.Reason)
	}
	if len(f.Locks) > 0 {
		t.printf("  locks: %s\n", strings.Join(f.Locks, ", "))
	}
	if f.Package != "" {
		t.printf("  in: %s%s\n", f.Package, testSuffix(f.Test))
	}
	if f.Count > 1 {
		t.printf("  seen %d times\n", f.Count)
	}
	if w := findings.SeenWords(t.res, f); w != "" {
		t.printf("  %s\n", w)
	}
	if c := f.Confirmation; c != nil {
		t.printf("  %s\n", findings.ConfirmationWords(c))
		for _, e := range c.Evidence {
			t.evidence(e)
		}
	}
	t.indent(f.Message, "  ")
	for _, e := range f.Evidence {
		t.evidence(e)
	}
	if f.Advice != "" {
		t.printf("  fix:\n")
		t.indent(f.Advice, "    ")
	}
	if f.Truncated != "" {
		t.printf("  note: %s\n", f.Truncated)
	}
	t.printf("  id %s · lockscope explain %s\n\n", f.ID, f.Kind)
}

func (t *textWriter) evidence(e findings.Evidence) {
	t.printf("  - %s\n", e.Role)
	if len(e.Held) > 0 {
		t.printf("      holding: %s\n", strings.Join(e.Held, ", "))
	}
	for i, fr := range e.Stack {
		if i == textFrames {
			t.printf("      ... %d more frames in findings.json\n", len(e.Stack)-textFrames)
			break
		}
		t.printf("      %s\n        %s:%d\n", fr.Func, t.path(fr.File), fr.Line)
	}
}

func (t *textWriter) indent(text, prefix string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if line == "" {
			t.printf("\n")
			continue
		}
		t.printf("%s%s\n", prefix, line)
	}
}

// path shows a file relative to the module root when it is inside it.
func (t *textWriter) path(p string) string {
	if t.dir == "" {
		return p
	}
	if rel, err := filepath.Rel(t.dir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

func (t *textWriter) contention(cs []findings.Contention) {
	shown := 0
	for _, c := range cs {
		if c.Waits == 0 || shown == 5 {
			continue
		}
		if shown == 0 {
			t.printf("lock contention (most waited first):\n")
		}
		shown++
		t.printf("  %-32s %6d waits  %10s total  %10s worst\n", c.Lock, c.Waits,
			findings.Duration(c.WaitNs), findings.Duration(c.MaxWaitNs))
	}
	if shown > 0 {
		t.printf("\n")
	}
}

// fixed lists the baselined findings this run no longer saw.
func (t *textWriter) fixed(entries []findings.BaselineEntry) {
	if len(entries) == 0 {
		return
	}
	t.printf("fixed since the baseline (regenerate it to drop them):\n")
	for _, e := range entries {
		t.printf("  %s %s: %s\n", e.ID, e.Kind, e.Title)
	}
	t.printf("\n")
}

func (t *textWriter) footer(res *findings.Result) {
	counts := map[findings.Severity]int{}
	inactive := 0
	for i := range res.Findings {
		if !res.Findings[i].Active() {
			inactive++
			continue
		}
		counts[res.Findings[i].Severity]++
	}
	if len(res.Findings) == 0 {
		t.printf("no findings\n")
		return
	}
	t.printf("%s, %s, %s", plural(counts[findings.Error], "error"),
		plural(counts[findings.Warning], "warning"), plural(counts[findings.Info], "info"))
	if inactive > 0 {
		t.printf(" (and %d baselined or suppressed)", inactive)
	}
	t.printf("\n")
}

func plural(n int, word string) string {
	if n == 1 || word == "info" {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
