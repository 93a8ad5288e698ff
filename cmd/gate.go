package cmd

import (
	"fmt"
	"os"
	"time"

	"github.com/lockscope/lockscope/findings"
)

// defaultBuildTimeout bounds instrumenting and building all targets.
const defaultBuildTimeout = 10 * time.Minute

// readBaseline reads the --baseline file; nil when none is given.
func readBaseline(s *Streams, path string) (*findings.Baseline, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(absDir(s, path))
	if err != nil {
		return nil, usagef("baseline: %w", err)
	}
	defer f.Close()
	b, err := findings.ReadBaseline(f)
	if err != nil {
		return nil, usagef("%s: %w", path, err)
	}
	return b, nil
}

// verdict is errFindings when an active finding is at or above
// res.FailOn; it says on stderr what was set aside.
func verdict(s *Streams, res *findings.Result) error {
	failing := len(res.Failing(res.FailOn))
	var baselined, suppressed int
	for i := range res.Findings {
		switch f := &res.Findings[i]; {
		case f.Suppression != nil:
			suppressed++
		case f.Baselined:
			baselined++
		}
	}
	if baselined+suppressed+len(res.Fixed) > 0 {
		failOn := res.FailOn
		if failOn == "" {
			failOn = findings.Error
		}
		fmt.Fprintf(s.Err, "lockscope: %d finding(s) at or above --fail-on %s; %d baselined, %d suppressed; %d baselined finding(s) fixed\n",
			failing, failOn, baselined, suppressed, len(res.Fixed))
		for _, e := range res.Fixed {
			fmt.Fprintf(s.Err, "lockscope: fixed: %s %s (id %s)\n", e.Kind, e.Title, e.ID)
		}
	}
	if failing > 0 {
		return errFindings
	}
	return nil
}
