package tracer

import (
	"crypto/rand"
	le "encoding/binary"
	"fmt"
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
