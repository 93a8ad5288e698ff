// Package lockscope is the root of lockscope, a deadlock and race diagnostics
// tool for Go. The command is in cmd/lockscope; the packages are:
//
//	cmd        the command line (cobra): options in, exit codes out
//	tracer     instrument, build and run a target, collect its artifacts
//	  lockrt   the instrumented Mutex/RWMutex linked into targets (stdlib only)
//	  event    the event-log format lockrt writes and lockscope reads
//	  instrument  the source rewrite from sync to lockrt, as a build overlay
//	analyzer   checks over the recorded events: findings
//	reports    findings.json, text (and later HTML, SARIF) writers
//	scenarios  the built-in catalogue of buggy/fixed programs
//
// Imports point one way: cmd -> reports -> analyzer -> tracer/event; the
// test in deps_test.go keeps it so.
package lockscope
