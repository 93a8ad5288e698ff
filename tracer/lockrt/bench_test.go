package lockrt_test

import (
	"sort"
	"sync"
	"testing"
	"time"

	deadlock "github.com/sasha-s/go-deadlock"

	"github.com/lockscope/lockscope/tracer/lockrt"
)

// The benchmarks compare sync, lockrt recording to a file (the configuration
// lockscope runs targets in, with the site-passing calls the rewriter emits)
// and go-deadlock with its default options. lockrt-off is lockrt linked in
// with recording off; lockrt-siteless uses Lock() (sync.Locker, Cond),
// which finds its site with runtime.Callers.

// locker is the common shape of the three mutexes.
type locker interface {
	Lock()
	Unlock()
}

// sited makes a lockrt.Mutex lock with a static site, as rewritten code does.
type sited struct {
	m lockrt.Mutex
	p uint64
}

func (s *sited) Lock()   { s.m.LockAt(s.p) }
func (s *sited) Unlock() { s.m.Unlock() }

// impl is one mutex implementation under test.
type impl struct {
	name   string
	record bool
	new    func(class int32) locker
}

var impls = []impl{
	{"sync", false, func(int32) locker { return new(sync.Mutex) }},
	{"lockrt", true, func(c int32) locker { return &sited{p: lockrt.Pack(c, c)} }},
	{"deadlock", false, func(int32) locker { return new(deadlock.Mutex) }},
	{"lockrt-off", false, func(c int32) locker { return &sited{p: lockrt.Pack(c, c)} }},
	{"lockrt-siteless", true, func(int32) locker { return new(lockrt.Mutex) }},
}

func run(b *testing.B, f func(b *testing.B, im impl)) {
	for _, im := range impls {
		b.Run(im.name, func(b *testing.B) {
			if im.record {
				lockrt.StartRecording(b, false)
			}
			b.ReportAllocs()
			f(b, im)
		})
	}
}

func BenchmarkUncontended(b *testing.B) {
	run(b, func(b *testing.B, im impl) {
		m := im.new(1)
		for b.Loop() {
			m.Lock()
			m.Unlock()
		}
	})
}

func BenchmarkNestedPair(b *testing.B) {
	run(b, func(b *testing.B, im impl) {
		x, y := im.new(1), im.new(2)
		for b.Loop() {
			x.Lock()
			y.Lock()
			y.Unlock()
			x.Unlock()
		}
	})
}

// rlocker is the common shape of the read sides.
type rlocker interface {
	RLock()
	RUnlock()
}

// rlockers makes each implementation's RWMutex, by impl name.
var rlockers = map[string]func() rlocker{
	"sync":            func() rlocker { return new(sync.RWMutex) },
	"lockrt":          func() rlocker { return &sitedRW{p: lockrt.Pack(3, 3)} },
	"deadlock":        func() rlocker { return new(deadlock.RWMutex) },
	"lockrt-off":      func() rlocker { return &sitedRW{p: lockrt.Pack(3, 3)} },
	"lockrt-siteless": func() rlocker { return new(lockrt.RWMutex) },
}

func BenchmarkRLock(b *testing.B) {
	run(b, func(b *testing.B, im impl) {
		m := rlockers[im.name]()
		for b.Loop() {
			m.RLock()
			m.RUnlock()
		}
	})
}

type sitedRW struct {
	m lockrt.RWMutex
	p uint64
}

func (s *sitedRW) RLock()   { s.m.RLockAt(s.p) }
func (s *sitedRW) RUnlock() { s.m.RUnlock() }

func BenchmarkParallelIndependent(b *testing.B) {
	run(b, func(b *testing.B, im impl) {
		b.RunParallel(func(pb *testing.PB) {
			m := im.new(4)
			for pb.Next() {
				m.Lock()
				m.Unlock()
			}
		})
	})
}

func BenchmarkParallelShared(b *testing.B) {
	run(b, func(b *testing.B, im impl) {
		m := im.new(5)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m.Lock()
				m.Unlock()
			}
		})
	})
}

// BenchmarkInterleaved runs the loops of Uncontended, NestedPair and RLock
// for sync, lockrt, lockrt-siteless and deadlock in short rounds, each
// implementation in turn, and reports each one's 10th-percentile round in
// ns/op and as a multiple of sync's. On a shared machine a round that is
// preempted is slow for one implementation only, so low percentiles of
// interleaved rounds compare implementations more steadily than medians of
// runs minutes apart. Run it once:
//
//	go test -run '^$' -bench Interleaved -benchtime 1x ./tracer/lockrt
func BenchmarkInterleaved(b *testing.B) {
	lockrt.StartRecording(b, false)
	const ops, rounds = 20000, 200
	loops := map[string]func(im impl) func(n int){
		"Uncontended": func(im impl) func(int) {
			m := im.new(1)
			return func(n int) {
				for i := 0; i < n; i++ {
					m.Lock()
					m.Unlock()
				}
			}
		},
		"NestedPair": func(im impl) func(int) {
			x, y := im.new(1), im.new(2)
			return func(n int) {
				for i := 0; i < n; i++ {
					x.Lock()
					y.Lock()
					y.Unlock()
					x.Unlock()
				}
			}
		},
		"RLock": func(im impl) func(int) {
			m := rlockers[im.name]()
			return func(n int) {
				for i := 0; i < n; i++ {
					m.RLock()
					m.RUnlock()
				}
			}
		},
	}
	for _, fam := range []string{"Uncontended", "NestedPair", "RLock"} {
		b.Run(fam, func(b *testing.B) {
			var names []string
			var fs []func(int)
			for _, im := range impls {
				if im.name != "lockrt-off" { // recording is on for the whole run
					names = append(names, im.name)
					fs = append(fs, loops[fam](im))
				}
			}
			times := make([][]float64, len(fs))
			for b.Loop() {
				for r := 0; r < rounds; r++ {
					for i, f := range fs {
						t0 := time.Now()
						f(ops)
						times[i] = append(times[i], float64(time.Since(t0).Nanoseconds())/ops)
					}
				}
			}
			p10 := make([]float64, len(fs))
			for i := range times {
				sort.Float64s(times[i])
				p10[i] = times[i][len(times[i])/10]
			}
			for i, name := range names {
				b.ReportMetric(p10[i], name+"-ns/op")
				if i > 0 {
					b.ReportMetric(p10[i]/p10[0], name+"/sync")
				}
			}
			b.ReportMetric(float64(lockrt.SampleEvery()), "acquisitions/timed-hold")
		})
	}
}
