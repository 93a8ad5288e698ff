// Package reports renders a findings.Result in the formats users read:
// findings.json (the machine contract), a plain-text summary, a
// self-contained HTML page, SARIF 2.1.0 for code scanning, JUnit XML for CI,
// and contention.pb.gz (WriteContention) for go tool pprof. Every format is
// one case of Generate over the Result alone, rendered into a buffer first
// so that a failure never leaves half a report behind; so 'lockscope
// report' and 'lockscope merge' can write any of them again from a saved
// findings.json. Everything that came from the target is escaped.
package reports
