package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/google/pprof/profile"

	"github.com/lockscope/lockscope/analyzer"
	"github.com/lockscope/lockscope/reports"
)

// writeProfiles writes contention.pb.gz into dir when the target's locks
// were waited for, and removes the Go runtime profiles in the artifacts that
// recorded nothing, keeping the others beside the event logs: the block
// profile holds every blocking wait of the target (channels, select,
// WaitGroup, locks), the mutex profile the code that held a lock while
// others waited. It says on stderr what it wrote.
func writeProfiles(s *Streams, dir string, in *analyzer.Input) error {
	var buf bytes.Buffer
	n, err := reports.WriteContention(&buf, in)
	if err != nil {
		return err
	}
	pruneProfiles(in)
	if n == 0 {
		return nil
	}
	path := filepath.Join(dir, reports.ContentionFile)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(s.Err, "lockscope: wrote %s (go tool pprof -top %s)\n", path, path)
	return nil
}

// pruneProfiles removes the runtime profiles of in's processes that have no
// samples.
func pruneProfiles(in *analyzer.Input) {
	for _, p := range in.Processes {
		for _, kind := range []string{analyzer.BlockProfile, analyzer.MutexProfile} {
			if path := analyzer.ProfilePath(p, kind); path != "" && emptyProfile(path) {
				_ = os.Remove(path)
			}
		}
	}
}

// emptyProfile reports whether the profile at path parses and has no
// samples. A missing or unreadable file is not empty: it is left alone.
func emptyProfile(path string) bool {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || err != nil {
		return false
	}
	p, err := profile.ParseData(data)
	return err == nil && len(p.Sample) == 0
}
