package diagnose

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lockscope/lockscope/analyzer"
	"github.com/lockscope/lockscope/findings"
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
func (o *Options) confirmCycles(ctx context.Context, to tracer.Options, res *findings.Result, run *tracer.Result) {
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Kind != findings.KindLockOrderCycle && f.Kind != findings.KindMixedDeadlock || f.Confidence != findings.Predicted {
			continue
		}
		fmt.Fprintf(o.Log, "lockscope: confirming %s on %s\n", f.Kind, strings.Join(f.Locks, ", "))
		f.Confirmation = o.confirmOne(ctx, to, f, run.Sites)
	}
}

// meetingPoints are the source lines where a finding's goroutines are
// held for each other, and the test function its evidence runs in.
func meetingPoints(f *findings.Finding, sites *event.SiteTable) (*tracer.Confirm, string) {
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
		if len(ev.Stack) > 0 && (f.Kind == findings.KindLockOrderCycle || i == 0) {
			add(ev.Stack[0].File, ev.Stack[0].Line)
		}
	}
	if f.Kind == findings.KindMixedDeadlock && len(f.Evidence) > 0 && len(f.Evidence[0].Stack) > 0 && sites != nil {
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

func (o *Options) confirmOne(ctx context.Context, to tracer.Options, f *findings.Finding, sites *event.SiteTable) *findings.Confirmation {
	c, test := meetingPoints(f, sites)
	out := &findings.Confirmation{Status: "not-confirmed"}
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
		out.Command = confirmCommand(o.Target, to, test)
		run, err := tracer.Run(ctx, to)
		if err != nil {
			out.Reason = "the confirmation run could not be built or started: " + err.Error()
			return out
		}
		if !run.Steered {
			out.Reason = "no scheduling point was found where the goroutines would meet, so the schedule could not be steered"
			return out
		}
		got, err := analyzer.Analyze(o.analysisInput(run))
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
	if f.Kind == findings.KindMixedDeadlock {
		out.Reason = fmt.Sprintf("%d attempts, each holding the blocking operation's goroutine (with its lock) until another reached an acquisition of the lock (at most %s), did not deadlock: the goroutine that unblocks it may only take the lock after the operation completes", confirmAttempts, "200ms")
	}
	if f.Concurrent != nil && !*f.Concurrent {
		out.Reason = "the conflicting acquisitions are in code that ran one after the other in this run, so no goroutine reached one while another held the other lock; " + out.Reason
	}
	return out
}

// deadlockOn returns the hang (or observed mixed deadlock) of res whose
// locks include the finding's classes, or nil.
func deadlockOn(res *findings.Result, locks []string) *findings.Finding {
	want := lockClasses(locks)
	for i := range res.Findings {
		h := &res.Findings[i]
		if h.Kind != findings.KindHang && !(h.Kind == findings.KindMixedDeadlock && h.Confidence == findings.Observed) {
			continue
		}
		got := lockClasses(h.Locks)
		if len(want) > 0 && !slices.ContainsFunc(want, func(c string) bool { return !slices.Contains(got, c) }) {
			return h
		}
	}
	return nil
}

// lockClasses are the distinct classes of lock names.
func lockClasses(locks []string) []string {
	var out []string
	for _, l := range locks {
		if c := findings.LockClass(l); !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// confirmCommand is the command that replays a confirmation attempt.
func confirmCommand(target findings.Target, to tracer.Options, test string) string {
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
