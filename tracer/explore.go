package tracer

import (
	"crypto/rand"
	le "encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/lockscope/lockscope/tracer/instrument"
)

// Schedule exploration (Options.Explore): the target is built with a
// scheduling point before every concurrency operation (see package
// instrument), and every run gets a seed, passed in LOCKSCOPE_SEED, from
// which the lock runtime derives its perturbation plan (lockrt/explore.go).

// maxSeed bounds drawn seeds, so that a seed reads as a short number on a
// command line.
const maxSeed = 1 << 31

// runSeeds returns the seed of each run, 1 to runs: base, base+1, ...
// when the caller gave one (so `--seed S` replays the run whose seed was
// S), otherwise drawn at random.
func runSeeds(runs int, base uint64) ([]uint64, error) {
	seeds := make([]uint64, runs+1)
	if base == 0 {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("draw a seed: %w", err)
		}
		base = 1 + le.LittleEndian.Uint64(b[:])%(maxSeed-uint64(runs))
	}
	for run := 1; run <= runs; run++ {
		seeds[run] = base + uint64(run-1)
	}
	return seeds, nil
}

// Confirm steers a run toward a predicted lock-order cycle (Options.Confirm):
// the goroutines that reach one of Sites, the cycle's inner acquisitions,
// wait for each other there until Need of them do, then go on together.
type Confirm struct {
	Sites []Site
	Need  int
}

// Site is a source line.
type Site struct {
	File string
	Line int
}

// confirmEnv is the LOCKSCOPE_CONFIRM setting for c over the build's
// points: the points on c's lines, but for unlocks. It returns "" when
// none is on them.
func confirmEnv(c *Confirm, points []instrument.PointSite) string {
	var ids []string
	for _, p := range points {
		if strings.Contains(p.Op, "Unlock") {
			continue
		}
		for _, s := range c.Sites {
			if p.File == s.File && p.Line == s.Line {
				ids = append(ids, strconv.Itoa(int(p.ID)))
				break
			}
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return fmt.Sprintf("LOCKSCOPE_CONFIRM=%s/%d", strings.Join(ids, ","), max(c.Need, 2))
}
