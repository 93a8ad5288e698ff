// Package findings is lockscope's vocabulary: the findings.json document
// (Result, Finding and what they carry), the finding kinds with their
// documentation and advice (the catalogue behind `lockscope explain` and
// SARIF rules), severities and the --fail-on verdict (Severity.AtLeast,
// Result.Failing), and what is done to a result after the analysis:
// suppressions (//lockscope:ignore, excluded paths), baselines, merging
// the results of sharded runs, and the words shared by every report (short
// function names, durations, which runs saw a finding).
//
// It knows nothing of how a target is run or analysed: the analyzer
// produces a Result, reports render it, the commands judge it. Field names
// of Result are a stable contract (version 1): fields may be added, never
// renamed.
package findings
