// Package gtrace reads a Go execution trace (as written by runtime/trace
// or lockscope's flight recorder) into the compact Summary that lockscope's
// checks need: the goroutines alive at the trace's end with their state,
// how long they had been in it, their blocking reason and stack and their
// creation site; and every completed block, grouped by reason and stacks,
// with the stack of the goroutine that unblocked it and, for lock waits,
// the lock the instrumented runtime named in a trace log.
//
// The trace is streamed event by event and not kept: memory grows with the
// goroutines alive at one time and the distinct stacks, not with the
// trace's length. A trace that breaks (a process killed while its trace was
// written) is summarised up to the break, and Summary.Warning says how much
// was lost.
//
// Parsing is done by golang.org/x/exp/trace, which has no compatibility
// promise; it is imported by one file of this package, gtrace.go, and
// nothing of it appears in the API.
package gtrace
