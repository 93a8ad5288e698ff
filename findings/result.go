package findings

// Result is the whole outcome of a lockscope run: the findings.json document.
// Field names are a stable contract (version 1): fields may be added, never
// renamed.
type Result struct {
	Version    int          `json:"version"`
	Tool       Tool         `json:"tool"`
	Target     Target       `json:"target"`
	Findings   []Finding    `json:"findings"`
	Graph      Graph        `json:"graph"`
	Contention []Contention `json:"contention"`
	Runs       []RunSummary `json:"runs,omitempty"`
	Warnings   []string     `json:"warnings,omitempty"`
	// FailOn is the --fail-on level the verdict was judged at ("" means
	// error); reports that show pass or fail use it.
	FailOn Severity `json:"fail_on,omitempty"`
	// Baseline is the baseline file applied, if any; see Finding.Baselined.
	Baseline string `json:"baseline,omitempty"`
	// PerRun says that findings list in Seen the runs that saw each on its
	// own (several runs, or --explore); see explore.go.
	PerRun bool `json:"per_run,omitempty"`
	// Fixed lists the baselined findings this run no longer saw.
	Fixed []BaselineEntry `json:"fixed,omitempty"`
	// Tests are the Go tests (and subtests) whose end the lock runtime
	// recorded, by package and name, sorted; JUnit has a case for each.
	Tests []TestRun `json:"tests,omitempty"`
	// WaitStacks are the stacks that waited for the target's instrumented
	// locks, from the Go runtime's block profiles, heaviest first: what
	// contention.pb.gz is written from, kept here so that 'lockscope
	// report' and 'lockscope merge' can write it again.
	WaitStacks []WaitStack `json:"wait_stacks,omitempty"`
}

// WaitStack is one stack that waited for one instrumented lock.
type WaitStack struct {
	// Lock is the lock's class name, as in Contention.
	Lock string `json:"lock"`
	// Package is the test package or program that waited.
	Package string `json:"package,omitempty"`
	// Stack is the user's part of the stack, innermost first: Stack[0] is
	// the Lock call.
	Stack []Frame `json:"stack"`
	// Count and DelayNs are how many waits, and how long in all.
	Count   int64 `json:"count"`
	DelayNs int64 `json:"delay_ns"`
}

// TestRun names one Go test that ran.
type TestRun struct {
	Package string `json:"package"`
	Name    string `json:"name"`
}

// Tool names the program that produced a Result.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Target says what was run.
type Target struct {
	Kind    string `json:"kind"` // "scenario", "test" or "program"
	Name    string `json:"name"`
	Variant string `json:"variant,omitempty"`
	Runs    int    `json:"runs"`
	// Dir is the module root the target was built in.
	Dir       string `json:"dir,omitempty"`
	GoVersion string `json:"go_version,omitempty"`
}

// RunSummary describes one target process.
type RunSummary struct {
	Run      int    `json:"run"`               // 1-based repetition
	Package  string `json:"package,omitempty"` // for tests
	ExitCode int    `json:"exit_code"`
	TimedOut bool   `json:"timed_out,omitempty"`
	// DurationMs is wall time in milliseconds.
	DurationMs int64  `json:"duration_ms"`
	Output     string `json:"output,omitempty"` // path of the saved stdout+stderr
	Events     string `json:"events,omitempty"` // path of the event log
	// Seed is the run's --explore seed; 0 (left out) when not exploring.
	Seed uint64 `json:"seed,omitempty"`
}

// Finding is one problem found.
type Finding struct {
	// ID is a fingerprint of the finding's kind, locks and functions, stable
	// across line shifts and across runs.
	ID         string     `json:"id"`
	Kind       Kind       `json:"kind"`
	Severity   Severity   `json:"severity"`
	Confidence Confidence `json:"confidence"`
	Title      string     `json:"title"`
	Message    string     `json:"message"`
	Locks      []string   `json:"locks"`
	Evidence   []Evidence `json:"evidence"`
	Advice     string     `json:"advice"`
	// Concurrent is set for lock-order cycles whose conflicting
	// acquisitions were seen while another goroutine held a lock of the
	// cycle.
	Concurrent *bool `json:"concurrent,omitempty"`
	// Level is "class" or "instance" for lock-order findings.
	Level string `json:"level,omitempty"`
	// Count is how many times the same finding was seen (runs, packages).
	Count int `json:"count,omitempty"`
	// Package is the test package or program the finding came from.
	Package string `json:"package,omitempty"`
	// Test is the Go test (or subtest, "TestX/sub") the finding belongs
	// to: the test that started the leaked goroutines; "" when none.
	Test string `json:"test,omitempty"`
	// Truncated says the search behind this finding was cut short.
	Truncated string `json:"truncated,omitempty"`
	// Baselined says the finding is in the applied baseline: it is kept in
	// the output but does not count for --fail-on.
	Baselined bool `json:"baselined,omitempty"`
	// Suppression says why the finding is suppressed (a lockscope:ignore
	// comment or an excluded path); nil when it is not. A suppressed finding
	// does not count for --fail-on.
	Suppression *Suppression `json:"suppression,omitempty"`
	// Timeline is who held and who waited for what up to the moment a hang
	// or an observed mixed deadlock was caught; nil for other kinds and
	// when no lock snapshot was taken.
	Timeline *Timeline `json:"timeline,omitempty"`
	// Seen lists the runs that produced this finding on their own, with
	// their --explore seeds; set when there were several runs or
	// exploration (Result.PerRun). Empty, with PerRun set, when no single
	// run did: a lock-order cycle assembled from edges of different runs.
	Seen []RunRef `json:"seen,omitempty"`
	// Confirmation is the outcome of --confirm for a predicted
	// lock-order cycle; nil when not attempted. It never changes the
	// severity: a cycle that was not confirmed is still a prediction.
	Confirmation *Confirmation `json:"confirmation,omitempty"`
}

// Timeline is what the goroutines of a hang or an observed mixed deadlock
// held and waited for, up to the lock snapshot. Times are nanoseconds
// since the target process started.
type Timeline struct {
	// SnapshotNs is when the snapshot was taken: the end of every span
	// still open ("now").
	SnapshotNs int64 `json:"snapshot_ns"`
	// DeadlockNs is when the last wait of the deadlock began, from which
	// moment none of its goroutines could proceed; 0 when unknown or when
	// the hang has no deadlock.
	DeadlockNs int64         `json:"deadlock_ns,omitempty"`
	Rows       []TimelineRow `json:"rows"`
	// MoreRows counts the goroutines left out.
	MoreRows int `json:"more_rows,omitempty"`
}

// TimelineRow is one goroutine of a Timeline.
type TimelineRow struct {
	Goroutine int64 `json:"goroutine"`
	// Label is the function locating the goroutine's stack:
	// "bank.Transfer".
	Label string         `json:"label,omitempty"`
	Spans []TimelineSpan `json:"spans"`
	// MoreSpans counts the spans left out.
	MoreSpans int `json:"more_spans,omitempty"`
}

// TimelineSpan is one hold of a lock or one wait of a goroutine.
type TimelineSpan struct {
	Kind string `json:"kind"` // "hold" or "wait"
	// Lock names the lock instance held or waited for, "Account.mu#2";
	// Class its class and Mode "w" or "r". Empty for a channel,
	// WaitGroup or Cond wait.
	Lock  string `json:"lock,omitempty"`
	Class string `json:"class,omitempty"`
	Mode  string `json:"mode,omitempty"`
	// Reason is what a wait waits on: "lock", "chan receive",
	// "WaitGroup.Wait", ...
	Reason string `json:"reason,omitempty"`
	// StartNs is when the hold or wait began; StartUnknown says the lock
	// runtime did not record it (StartNs is then 0: some time before).
	StartNs      int64 `json:"start_ns"`
	StartUnknown bool  `json:"start_unknown,omitempty"`
	// EndNs is when it ended: the snapshot's time for a span still open.
	EndNs int64 `json:"end_ns"`
	// Site is where the lock was acquired or the wait is: "bank.go:31".
	Site string `json:"site,omitempty"`
}

// Evidence is one stack that supports a finding.
type Evidence struct {
	Role      string  `json:"role"`
	Goroutine int64   `json:"goroutine"`
	Stack     []Frame `json:"stack"`
	// Held lists the locks the goroutine held at that moment, by name.
	Held []string `json:"held,omitempty"`
}

// Frame is one stack frame.
type Frame struct {
	Func string `json:"func"`
	File string `json:"file"`
	Line int    `json:"line"`
}

// Graph is the lock-order graph over lock classes.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Node is one lock class.
type Node struct {
	Name string `json:"name"`
	Kind string `json:"kind,omitempty"` // "field", "var", "local", "site"
	RW   bool   `json:"rw,omitempty"`
}

// Edge is "To was acquired while From was held".
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Count is the number of distinct observations (held chains,
	// goroutines) recorded for the edge, not the number of acquisitions:
	// repeats of a known chain are not recorded.
	Count int `json:"count"`
	// Modes lists the held/acquired mode pairs seen, e.g. "w->r".
	Modes   []string   `json:"modes,omitempty"`
	Witness []Evidence `json:"witness"`
	InCycle bool       `json:"in_cycle,omitempty"`
	// TryOnly is set when every observation acquired To with TryLock or
	// TryRLock: such an edge cannot block and is left out of cycles.
	TryOnly bool `json:"try_only,omitempty"`
	// Runs lists the runs that saw the edge, when there were several runs
	// or exploration.
	Runs []int `json:"runs,omitempty"`
}

// Contention is the timing of one lock class.
type Contention struct {
	Lock      string `json:"lock"`
	Waits     int64  `json:"waits"`
	WaitNs    int64  `json:"wait_ns"`
	MaxWaitNs int64  `json:"max_wait_ns"`
	HoldNs    int64  `json:"hold_ns"`
	// HoldSamples is how many holds HoldNs and MaxHoldNs were measured over.
	HoldSamples int64  `json:"hold_samples,omitempty"`
	MaxHoldNs   int64  `json:"max_hold_ns,omitempty"`
	MaxHoldSite string `json:"max_hold_site,omitempty"`
}

// Span kinds.
const (
	SpanHold = "hold"
	SpanWait = "wait"
)
