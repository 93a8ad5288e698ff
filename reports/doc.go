// Package reports writes an analyzer.Result in the formats users read:
// findings.json (the machine contract), a plain-text summary, and (in later
// versions) HTML and SARIF. Every format is one case of Generate, rendered into
// a buffer first so that a failure never leaves half a report behind.
package reports
