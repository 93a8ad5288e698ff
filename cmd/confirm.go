package cmd

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lockscope/lockscope/analyzer"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// Confirmation (--confirm): after the runs, each predicted lock-order
// cycle and mixed deadlock is run again — only the test that produced it, or the program —
// in an exploring build whose goroutines wait for each other just before
// the cycle's inner acquisitions (tracer.Confirm), for a bounded number of
// attempts. An attempt that hangs with a wait-for picture on the cycle's
// locks confirms it. A cycle that was not confirmed keeps its severity.
const (
	confirmAttempts = 3
	confirmTimeout  = 3 * time.Second
)

// testFunc finds a test function in a qualified function name.
var testFunc = regexp.MustCompile(`\.(Test[^a-z./][^./]*|Test)(\.|$)`)

// confirmCycles attempts to confirm every predicted lock-order cycle of
// res, filling each finding's Confirmation.
func confirmCycles(ctx context.Context, s *Streams, o *DiagnoseOptions, to tracer.Options, target analyzer.Target, res *analyzer.Result, sites *event.SiteTable) {
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Kind != "lock-order-cycle" && f.Kind != "mixed-deadlock" || f.Confidence != analyzer.Predicted {
			continue
		}
		fmt.Fprintf(s.Err, "lockscope: confirming %s on %s\n", f.Kind, strings.Join(f.Locks, ", "))
		f.Confirmation = confirmOne(ctx, s, o, to, target, f, sites)
	}
}

// meetingPoints are the source lines where a finding's goroutines are
// held for each other, and the test function its evidence runs in.
func meetingPoints(f *analyzer.Finding, sites *event.SiteTable) (*tracer.Confirm, string) {
	c := &tracer.Confirm{Need: max(len(f.Locks), 2)}
	add := func(file string, line int) {
		if site := (tracer.Site{File: file, Line: line}); !slices.Contains(c.Sites, site) {
			c.Sites = append(c.Sites, site)
		}
	}
	test := ""
	for i, ev := range f.Evidence {
		for _, fr := range ev.Stack {
			if m := testFunc.FindStringSubmatch(fr.Func); m != nil && test == "" {
				test = m[1]
			}
		}
		if len(ev.Stack) > 0 && (f.Kind == "lock-order-cycle" || i == 0) {
			add(ev.Stack[0].File, ev.Stack[0].Line)
		}
	}
	if f.Kind == "mixed-deadlock" && len(f.Evidence) > 0 && len(f.Evidence[0].Stack) > 0 && sites != nil {
		blocked := f.Evidence[0].Stack[0].Func
		classes := lockClasses(f.Locks)
		for _, st := range sites.Sites {
			if (st.Op == "Lock" || st.Op == "RLock") && st.Frame.Func != blocked && st.Class > 0 &&
				int(st.Class) < len(sites.Classes) && slices.Contains(classes, sites.Classes[st.Class].Name) {
				add(st.Frame.File, st.Frame.Line)
			}
		}
	}
	return c, test
}

func confirmOne(ctx context.Context, s *Streams, o *DiagnoseOptions, to tracer.Options, target analyzer.Target, f *analyzer.Finding, sites *event.SiteTable) *analyzer.Confirmation {
	c, test := meetingPoints(f, sites)
	out := &analyzer.Confirmation{Status: "not-confirmed"}
	if to.Test {
		if f.Package != "" {
			to.Patterns = []string{f.Package}
		}
		if test != "" {
			to.Args = append(slices.Clone(to.Args), "-run", "^"+test+"$")
		}
	}
	to.Explore, to.Runs, to.Confirm, to.Echo = true, 1, c, nil
	to.Timeout = min(o.Timeout, confirmTimeout)
	base := uint64(1)
	if f.Seen != nil && len(f.Seen) > 0 && f.Seen[0].Seed != 0 {
		base = f.Seen[0].Seed
	}
	for attempt := 1; attempt <= confirmAttempts; attempt++ {
		to.Seed = base + uint64(attempt-1)
		to.OutDir = filepath.Join(o.OutDir, "confirm", f.ID, fmt.Sprintf("attempt%d", attempt))
		out.Attempts, out.Seed = attempt, to.Seed
		out.Command = confirmCommand(target, to, test)
		run, err := tracer.Run(ctx, to)
		if err != nil {
			out.Reason = "the confirmation run could not be built or started: " + err.Error()
			return out
		}
		if !run.Steered {
			out.Reason = "no scheduling point was found where the goroutines would meet, so the schedule could not be steered"
			return out
		}
		got, err := analyzer.Analyze(analysisInput(run, target))
		if err != nil {
			out.Reason = "the confirmation run could not be analysed: " + err.Error()
			return out
		}
		if h := deadlockOn(got, f.Locks); h != nil {
			out.Status, out.Evidence = "confirmed", h.Evidence
			return out
		}
	}
	out.Reason = fmt.Sprintf("%d attempts, each holding the goroutines at the cycle's inner acquisitions until the others arrived (at most %s), did not deadlock", confirmAttempts, "200ms")
	if f.Kind == "mixed-deadlock" {
		out.Reason = fmt.Sprintf("%d attempts, each holding the blocking operation's goroutine (with its lock) until another reached an acquisition of the lock (at most %s), did not deadlock: the goroutine that unblocks it may only take the lock after the operation completes", confirmAttempts, "200ms")
	}
	if f.Concurrent != nil && !*f.Concurrent {
		out.Reason = "the conflicting acquisitions are in code that ran one after the other in this run, so no goroutine reached one while another held the other lock; " + out.Reason
	}
	return out
}

// deadlockOn returns the hang (or observed mixed deadlock) of res whose
// locks include the finding's classes, or nil.
func deadlockOn(res *analyzer.Result, locks []string) *analyzer.Finding {
	want := lockClasses(locks)
	for i := range res.Findings {
		h := &res.Findings[i]
		if h.Kind != "hang" && !(h.Kind == "mixed-deadlock" && h.Confidence == analyzer.Observed) {
			continue
		}
		got := lockClasses(h.Locks)
		if len(want) > 0 && !slices.ContainsFunc(want, func(c string) bool { return !slices.Contains(got, c) }) {
			return h
		}
	}
	return nil
}

// lockClasses are the class names of lock names: "Account.mu" for
// "Account.mu#2 (first locked at bank.go:31)".
func lockClasses(locks []string) []string {
	var out []string
	for _, l := range locks {
		c, _, _ := strings.Cut(l, "#")
		c, _, _ = strings.Cut(c, " ")
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// confirmCommand is the command that replays a confirmation attempt.
func confirmCommand(target analyzer.Target, to tracer.Options, test string) string {
	if target.Kind == "scenario" {
		return fmt.Sprintf("lockscope run %s --variant %s --confirm --seed %d", target.Name, target.Variant, to.Seed)
	}
	if !to.Test {
		return fmt.Sprintf("lockscope run %s --confirm --seed %d", target.Name, to.Seed)
	}
	cmd := fmt.Sprintf("lockscope test %s --confirm --seed %d", strings.Join(to.Patterns, " "), to.Seed)
	if test != "" {
		cmd += fmt.Sprintf(" -- -run '^%s$'", test)
	}
	return cmd
}
