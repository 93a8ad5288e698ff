package workshop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/lockscope/lockscope/scenarios"
)

// Request is one run the server asks its Runner for.
type Request struct {
	Scenario *scenarios.Scenario
	// Variant is "buggy", "fixed", or Edited for a learner's version of
	// the buggy variant.
	Variant string
	// Files is the program to run: Go source files by name.
	Files map[string][]byte
	// Dir is an empty directory of the run's own: the Runner lays the
	// module out and writes the reports in it.
	Dir string
	// Progress receives the run's progress lines as they come.
	Progress *Progress
}

// Outcome is what a run produced.
type Outcome struct {
	// Findings are the run's findings, most severe first as the report
	// lists them.
	Findings []Finding
	// Report is the path of the HTML report; "" when there is none.
	Report string
	// BuildOutput is the compiler's output when the program does not
	// build; then there are no findings and no report.
	BuildOutput string
}

// Finding is the summary of one finding that a run's page shows above the
// report.
type Finding struct {
	Kind, Severity, Title string
	Locks                 []string
}

// Runner runs one request through lockscope's pipeline, as `lockscope run`
// does. An error means lockscope could not do its job; a program that does
// not build is an Outcome with BuildOutput.
type Runner func(ctx context.Context, r Request) (*Outcome, error)

// Progress collects a run's progress lines; it is safe for concurrent use.
type Progress struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

// maxProgress bounds the progress kept per run, in bytes.
const maxProgress = 64 << 10

// Write appends p to the progress, up to maxProgress bytes.
func (p *Progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if room := maxProgress - p.buf.Len(); room > 0 {
		p.buf.Write(b[:min(len(b), room)])
	}
	return len(b), nil
}

// Lines returns the complete lines written so far.
func (p *Progress) Lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.buf.String()
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.Split(s[:i], "\n")
	}
	return nil
}

// Edited is the variant of a run of a learner's version of the buggy
// variant.
const Edited = "edited"

// prog is the program a run form asks for.
type prog struct {
	variant string            // "buggy", "fixed" or Edited
	files   map[string][]byte // the Go files
	edited  string            // the file the learner edited; "" unless Edited
}

// run is one run of a scenario: started by a POST, shown at /runs/ID.
type run struct {
	ID       string
	Scenario *scenarios.Scenario
	Variant  string
	Files    map[string][]byte // the program that ran
	Edited   string            // the file the learner edited; "" unless Variant is Edited
	Started  time.Time
	Progress *Progress
	dir      string

	mu      sync.Mutex    // guards the fields below
	done    bool          // the run has finished: outcome or err is set
	outcome *Outcome      // nil until done, and when err is set
	err     error         // lockscope could not do the run
	elapsed time.Duration // how long the run took, once done
}

// state returns what is known of the run now.
func (r *run) state() (done bool, o *Outcome, err error, elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done, r.outcome, r.err, r.elapsed
}

func (r *run) finish(o *Outcome, err error, elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done, r.outcome, r.err, r.elapsed = true, o, err, elapsed
}

// runs is the server's table of runs and its bound on runs at once.
type runs struct {
	root    string        // each run's directory is under it
	slots   chan struct{} // one token per run in progress
	timeout time.Duration // each run's deadline
	run     Runner
	keep    int // finished runs kept; older ones and their files are dropped

	mu    sync.Mutex // guards byID, order and next
	byID  map[string]*run
	order []string // IDs, oldest first
	next  int
	wg    sync.WaitGroup // runs in progress
}

// errBusy says every run slot is taken.
var errBusy = errors.New("busy")

// start starts a run of p as scenario sc in a goroutine, or returns
// errBusy when as many runs as allowed are in progress.
func (t *runs) start(ctx context.Context, sc *scenarios.Scenario, p prog) (*run, error) {
	select {
	case t.slots <- struct{}{}:
	default:
		return nil, errBusy
	}
	t.mu.Lock()
	t.next++
	id := fmt.Sprint(t.next)
	r := &run{ID: id, Scenario: sc, Variant: p.variant, Files: p.files, Edited: p.edited, Started: time.Now(),
		Progress: &Progress{}, dir: filepath.Join(t.root, "run-"+id)}
	t.byID[id] = r
	t.order = append(t.order, id)
	t.dropOld()
	t.wg.Add(1)
	t.mu.Unlock()

	go func() {
		defer t.wg.Done()
		o, err := t.do(ctx, r)
		<-t.slots // free the slot before the run shows as done
		r.finish(o, err, time.Since(r.Started))
	}()
	return r, nil
}

// do runs r within the runs' deadline.
func (t *runs) do(ctx context.Context, r *run) (*Outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return nil, err
	}
	o, err := t.run(ctx, Request{Scenario: r.Scenario, Variant: r.Variant, Files: r.Files, Dir: r.dir, Progress: r.Progress})
	if o == nil && err == nil {
		err = errors.New("the runner returned no outcome")
	}
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("the run passed the workshop's limit of %s: %w", t.timeout, err)
	}
	return o, err
}

// dropOld forgets the oldest finished runs past t.keep, and removes their
// files. t.mu is held.
func (t *runs) dropOld() {
	for len(t.order) > t.keep {
		r := t.byID[t.order[0]]
		if done, _, _, _ := r.state(); !done {
			return
		}
		os.RemoveAll(r.dir)
		delete(t.byID, r.ID)
		t.order = t.order[1:]
	}
}

func (t *runs) get(id string) *run {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byID[id]
}

// wait waits for the runs in progress to end.
func (t *runs) wait() { t.wg.Wait() }
