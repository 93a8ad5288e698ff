package reports

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/google/pprof/profile"

	"github.com/lockscope/lockscope/findings"
)

// ContentionFile is the name WriteContention's profile gets in --out.
const ContentionFile = "contention.pb.gz"

// WriteContention writes a pprof profile of the time goroutines waited for
// the target's instrumented locks, gzipped, as `go tool pprof` reads it:
// sample types contentions/count and delay/nanoseconds (the default), one
// sample per waiting stack with the lock runtime's and sync's frames
// trimmed, so that the innermost frame is the user's Lock call, and the
// labels "lock" (the lock's name, as in findings.json; `go tool pprof
// -tagfocus lock=Room.mu` keeps one lock) and "package" (the test package
// or program that waited). It is built from the Go runtime block profiles
// the lock runtime wrote for every process, as the analysis kept them in
// res.WaitStacks. It returns how many samples it wrote; with none it
// writes nothing.
func WriteContention(w io.Writer, res *findings.Result) (int, error) {
	b := newProfileBuilder()
	for _, s := range res.WaitStacks {
		b.add(s)
	}
	if len(b.prof.Sample) == 0 {
		return 0, nil
	}
	b.sort()
	if err := b.prof.CheckValid(); err != nil {
		return 0, fmt.Errorf("contention profile: %w", err)
	}
	if err := b.prof.Write(w); err != nil {
		return 0, fmt.Errorf("contention profile: %w", err)
	}
	return len(b.prof.Sample), nil
}

// profileBuilder interns functions and locations and merges samples with
// the same stack and labels.
type profileBuilder struct {
	prof    *profile.Profile
	funcs   map[findings.Frame]*profile.Function // keyed with Line 0
	locs    map[findings.Frame]*profile.Location
	samples map[string]*profile.Sample
}

func newProfileBuilder() *profileBuilder {
	return &profileBuilder{
		prof: &profile.Profile{
			SampleType: []*profile.ValueType{
				{Type: "contentions", Unit: "count"},
				{Type: "delay", Unit: "nanoseconds"},
			},
			PeriodType:        &profile.ValueType{Type: "contentions", Unit: "count"},
			Period:            1,
			DefaultSampleType: "delay",
			Comments:          []string{"lockscope: time spent waiting for instrumented locks, by waiting stack"},
		},
		funcs: map[findings.Frame]*profile.Function{}, locs: map[findings.Frame]*profile.Location{},
		samples: map[string]*profile.Sample{},
	}
}

// add adds one waiting stack.
func (b *profileBuilder) add(s findings.WaitStack) {
	pkg := s.Package
	var key strings.Builder
	fmt.Fprintf(&key, "%s\x00%s", s.Lock, pkg)
	locs := make([]*profile.Location, len(s.Stack))
	for i, f := range s.Stack {
		locs[i] = b.location(f)
		fmt.Fprintf(&key, "\x00%d", locs[i].ID)
	}
	if old := b.samples[key.String()]; old != nil {
		old.Value[0] += s.Count
		old.Value[1] += s.DelayNs
		return
	}
	smp := &profile.Sample{Location: locs, Value: []int64{s.Count, s.DelayNs},
		Label: map[string][]string{"lock": {s.Lock}}}
	if pkg != "" {
		smp.Label["package"] = []string{pkg}
	}
	b.samples[key.String()] = smp
	b.prof.Sample = append(b.prof.Sample, smp)
}

// location returns the location of frame f, creating it and its function.
func (b *profileBuilder) location(f findings.Frame) *profile.Location {
	if l := b.locs[f]; l != nil {
		return l
	}
	fk := findings.Frame{Func: f.Func, File: f.File}
	fn := b.funcs[fk]
	if fn == nil {
		fn = &profile.Function{ID: uint64(len(b.prof.Function) + 1), Name: f.Func, SystemName: f.Func, Filename: f.File}
		b.funcs[fk] = fn
		b.prof.Function = append(b.prof.Function, fn)
	}
	l := &profile.Location{ID: uint64(len(b.prof.Location) + 1), Line: []profile.Line{{Function: fn, Line: int64(f.Line)}}}
	b.locs[f] = l
	b.prof.Location = append(b.prof.Location, l)
	return l
}

// sort orders samples by delay, most first, then by lock and stack, so
// that the same input gives the same file.
func (b *profileBuilder) sort() {
	slices.SortStableFunc(b.prof.Sample, func(x, y *profile.Sample) int {
		if c := cmp.Compare(y.Value[1], x.Value[1]); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Label["lock"][0], y.Label["lock"][0]); c != 0 {
			return c
		}
		return slices.CompareFunc(x.Location, y.Location, func(a, b *profile.Location) int { return cmp.Compare(a.ID, b.ID) })
	})
}
