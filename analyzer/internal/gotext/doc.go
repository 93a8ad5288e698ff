// Package gotext parses what the Go runtime writes as text: goroutine
// dumps (SIGQUIT, runtime.Stack, the goroutine and goroutineleak profiles
// at debug=2, with their pprof-label headers and "(leaked)" marks) and the
// race detector's reports. It is the analyzer's; the parsers are fuzzed.
package gotext
