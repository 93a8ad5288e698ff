package lockrt_test

import (
	"sync"
	"testing"

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

func BenchmarkRLock(b *testing.B) {
	type rlocker interface {
		RLock()
		RUnlock()
	}
	rws := map[string]func() rlocker{
		"sync":            func() rlocker { return new(sync.RWMutex) },
		"lockrt":          func() rlocker { return &sitedRW{p: lockrt.Pack(3, 3)} },
		"deadlock":        func() rlocker { return new(deadlock.RWMutex) },
		"lockrt-off":      func() rlocker { return &sitedRW{p: lockrt.Pack(3, 3)} },
		"lockrt-siteless": func() rlocker { return new(lockrt.RWMutex) },
	}
	run(b, func(b *testing.B, im impl) {
		m := rws[im.name]()
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
