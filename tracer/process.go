package tracer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
)

// Process is the record of one target process: how it ended and where its
// artifacts are.
type Process struct {
	Run     int    // 1-based repetition
	Package string // import path of a test binary, or the program's name
	Dir     string // working directory it ran in
	// Seed is the run's exploration seed (Options.Explore); 0 when not
	// exploring.
	Seed uint64

	ExitCode int
	// Signal names the signal that ended the process, if one did.
	Signal   string
	TimedOut bool
	Duration time.Duration
	// StartError is set when the process could not be started.
	StartError string

	OutputPath string // the saved stdout and stderr, interleaved
	EventsPath string // the lock runtime's event log
	// TracePath is the execution trace the lock runtime's flight recorder
	// writes at every snapshot: the last seconds before the exit or the
	// deadline (missing when the target never reached a snapshot).
	TracePath string
	// ProfilePrefix names the Go runtime's block and mutex profiles that
	// the lock runtime writes: <prefix>.block.pb.gz and <prefix>.mutex.pb.gz
	// (either may be missing: a target that crashed or never locked).
	ProfilePrefix string
	// RaceLogs are the race detector's report files (with --race; one per
	// process that reported a race, named <target>.race.<pid>).
	RaceLogs []string
	// OutputTail is the last part of the output (at most tailSize bytes).
	OutputTail string
	// OutputTruncated is set when the output passed maxOutput and the rest
	// was dropped from the saved file.
	OutputTruncated bool

	// Events is the lock runtime's event log, read when the process ended;
	// EventWarnings say what was lost reading it.
	Events        []event.Event
	EventWarnings []string
}

const (
	tailSize  = 64 << 10
	maxOutput = 64 << 20
	// snapshotWait bounds how long a timed-out target may take to write
	// its lock snapshot before its goroutines are dumped and it is killed.
	snapshotWait = 3 * time.Second
	// dumpWait bounds how long the Go runtime may take to print every
	// goroutine's stack after SIGQUIT.
	dumpWait = 2 * time.Second
)

// spec is how to start one target process.
type spec struct {
	path    string
	args    []string
	dir     string
	env     []string
	timeout time.Duration
	echo    io.Writer // where the output is copied as it comes; nil for none
}

// runProcess runs one target in its own process group and always returns:
// at the deadline it asks the lock runtime for a snapshot (SIGUSR1), asks the
// Go runtime for a goroutine dump (SIGQUIT), then kills the group.
func runProcess(ctx context.Context, s spec, p *Process) {
	out, err := os.Create(p.OutputPath)
	if err != nil {
		p.StartError = fmt.Sprintf("create output file: %v", err)
		return
	}
	defer out.Close()
	sink := newOutputSink(out, s.echo)

	cmd := exec.Command(s.path, s.args...)
	cmd.Dir, cmd.Env = s.dir, s.env
	cmd.Stdout, cmd.Stderr = sink, sink
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		p.StartError = err.Error()
		return
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }() //nolint:errcheck // ProcessState below

	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		p.TimedOut = true
		stopHung(cmd.Process.Pid, p.EventsPath, done)
	case <-ctx.Done():
		p.TimedOut = true
		stopHung(cmd.Process.Pid, p.EventsPath, done)
	}
	<-done
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // stray children of the target
	p.Duration = time.Since(start)
	p.OutputTail, p.OutputTruncated = sink.result()
	recordExit(cmd.ProcessState, p)
}

// stopHung collects what a hung target can tell and then ends it.
func stopHung(pid int, eventsPath string, done <-chan struct{}) {
	before := snapshotCount(eventsPath)
	if syscall.Kill(pid, syscall.SIGUSR1) == nil {
		waitFor(done, snapshotWait, func() bool { return snapshotCount(eventsPath) > before })
	}
	if syscall.Kill(pid, syscall.SIGQUIT) == nil {
		waitFor(done, dumpWait, nil)
	}
	syscall.Kill(-pid, syscall.SIGKILL)
}

// waitFor waits until done closes, cond holds, or d passes.
func waitFor(done <-chan struct{}, d time.Duration, cond func() bool) {
	deadline := time.After(d)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-deadline:
			return
		case <-tick.C:
			if cond != nil && cond() {
				return
			}
		}
	}
}

// snapshotCount counts the snapshot records in an event log.
func snapshotCount(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(data, []byte(`{"k":"snapshot"`))
}

func recordExit(st *os.ProcessState, p *Process) {
	if st == nil {
		return
	}
	p.ExitCode = st.ExitCode()
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		p.Signal = ws.Signal().String()
		p.ExitCode = 128 + int(ws.Signal())
	}
}

// outputSink saves a target's output up to maxOutput bytes, keeps its tail in
// memory and optionally echoes it. A target that floods its output keeps
// running; what passes the cap is counted, not kept.
type outputSink struct {
	mu        sync.Mutex // guards everything below
	file      io.Writer
	echo      io.Writer
	written   int64
	truncated bool
	tail      []byte
}

func newOutputSink(file, echo io.Writer) *outputSink {
	return &outputSink{file: file, echo: echo}
}

func (s *outputSink) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if room := maxOutput - s.written; room > 0 {
		keep := b
		if int64(len(keep)) > room {
			keep, s.truncated = keep[:room], true
		}
		if _, err := s.file.Write(keep); err != nil && !errors.Is(err, os.ErrClosed) {
			s.truncated = true
		}
		s.written += int64(len(keep))
	} else {
		s.truncated = true
	}
	if s.echo != nil {
		s.echo.Write(b)
	}
	s.tail = append(s.tail, b...)
	if len(s.tail) > 2*tailSize {
		s.tail = append(s.tail[:0], s.tail[len(s.tail)-tailSize:]...)
	}
	return len(b), nil
}

func (s *outputSink) result() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tail
	if len(t) > tailSize {
		t = t[len(t)-tailSize:]
	}
	return string(t), s.truncated
}
