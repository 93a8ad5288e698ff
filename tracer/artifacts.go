package tracer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/google/pprof/profile"

	"github.com/lockscope/lockscope/tracer/event"
)

// collect reads what p left behind once it has ended: the lock runtime's
// event log into p.Events (what was lost into p.EventWarnings), and it
// removes the Go runtime profiles that recorded nothing, keeping the others
// beside the event log.
func collect(p *Process) {
	p.Events, p.EventWarnings = readEvents(p.EventsPath)
	if p.OutputTruncated {
		p.EventWarnings = append(p.EventWarnings, fmt.Sprintf("the output of %s passed the size cap and was cut; the saved file keeps its start", p.Package))
	}
	for _, kind := range []string{BlockProfile, MutexProfile} {
		if path := p.ProfilePath(kind); path != "" && emptyProfile(path) {
			_ = os.Remove(path)
		}
	}
}

// readEvents reads the event log at path, saying what was lost.
func readEvents(path string) ([]event.Event, []string) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, []string{"no lock events were recorded: the target exited before the lock runtime started, or never started"}
	}
	if err != nil {
		return nil, []string{err.Error()}
	}
	defer f.Close()
	evs, warns, err := event.ReadAll(f)
	if err != nil {
		warns = append(warns, err.Error())
	}
	return evs, warns
}

// The Go runtime profiles the lock runtime writes for a process.
const (
	BlockProfile = "block" // every blocking wait: channels, select, WaitGroup, locks
	MutexProfile = "mutex" // the code that held a lock while others waited
)

// ProfilePath returns where the lock runtime wrote p's profile of kind
// (BlockProfile or MutexProfile), or "" when p has none.
func (p *Process) ProfilePath(kind string) string {
	if p.ProfilePrefix == "" {
		return ""
	}
	return p.ProfilePrefix + "." + kind + ".pb.gz"
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
