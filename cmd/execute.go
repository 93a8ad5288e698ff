// Package cmd is lockscope's command line: cobra commands that fill an
// options struct, call the driver (package diagnose) and print what it
// returns; they read no event log, trace or profile themselves. Main is the
// one place where errors become exit codes:
//
//	0  no finding at or above --fail-on
//	1  at least one such finding (a hung or crashed target counts)
//	2  lockscope could not do its job: bad usage, a target that does not
//	   build, an internal error — with a one-line cause on standard error
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/lockscope/lockscope/tracer"
)

// Streams are the command's standard streams, injected so tests can read them.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
	// Dir is the working directory commands resolve paths against.
	Dir string
}

// System returns the process's own streams and working directory.
func System() *Streams {
	dir, _ := os.Getwd()
	return &Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Dir: dir}
}

// Exit codes.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitError    = 2
)

// errFindings says the run worked and found something at or above --fail-on.
var errFindings = errors.New("findings at or above the --fail-on level")

// usageError is a mistake in how lockscope was called.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// Main runs lockscope with os.Args and returns the exit code.
func Main(s *Streams) int {
	return Execute(s, os.Args[1:])
}

// Execute runs lockscope with args and returns the exit code.
func Execute(s *Streams, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := NewCmdRoot(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	return exitCode(s.Err, err)
}

func exitCode(stderr io.Writer, err error) int {
	var be *tracer.BuildError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errFindings):
		return ExitFindings
	case errors.As(err, &be):
		fmt.Fprintln(stderr, "lockscope: "+be.Error())
		fmt.Fprint(stderr, be.Output)
		return ExitError
	default:
		fmt.Fprintln(stderr, "lockscope: "+err.Error())
		return ExitError
	}
}
