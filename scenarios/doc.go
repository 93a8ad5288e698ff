// Package scenarios is lockscope's built-in catalogue of concurrency
// scenarios: small, realistic Go programs, each showing one concept of lock
// use as a buggy and a fixed variant, for workshops and for lockscope's own
// end-to-end tests.
//
// # Layout
//
// Each scenario is a directory of this package, embedded in the binary:
//
//	<name>/scenario.md   header and narrative
//	<name>/buggy/*.go    package main: the bug
//	<name>/fixed/*.go    package main: the idiomatic fix
//
// Variants are plain programs using package sync, with no lockscope
// imports: lockscope instruments them as it would any user's program. Each
// terminates by itself in well under two seconds. Where the bug allows it, a
// buggy variant runs its conflicting code paths one after another, ordered
// by channels, so that it completes and lockscope's prediction is what finds
// the bug. Only the double-lock scenarios (double-lock,
// order-book-callback) deadlock with plain sync; under lockscope the
// instrumented runtime stops them at the second Lock. A buggy variant that
// expects a target-failure (worker-panic) crashes by design.
//
// The scenarios written for the workshop (see package workshop) also build
// as Go 1.20, and their narratives end with a "Coming from Python" note.
//
// # scenario.md
//
// The file starts with a header and ends with a Markdown narrative:
//
//	# bank-transfer
//	title: Transfers lock two accounts in opposite orders
//	concept: lock ordering (AB-BA deadlock)
//	expect: lock-order-cycle Account.mu
//	---
//	Narrative...
//
// The first line names the scenario and must match its directory. Then come
// "key: value" lines, no blank lines, up to a line "---": title and concept
// exactly once each, expect at least once. An expect line names a finding
// kind the buggy variant must yield, followed by the names of the locks the
// finding is on, space separated, as lockscope names them (Type.field,
// pkg.var or Func.var); for a data-race it names the raced variable the
// same way, then any locks the finding must name. The fixed variant must
// yield no finding at all. An optional flags line lists lockscope run flags
// that both variants need, such as "flags: --race" for a data race. The
// narrative, after "---", must not be empty.
package scenarios
