package lockrt_test

import (
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/lockscope/lockscope/tracer/lockrt"
)

// outer promotes Lock and Unlock from an embedded Mutex: through an
// interface they are reached by a compiler-generated wrapper.
type outer struct{ lockrt.Mutex }

// lockVia locks l from a helper the compiler may inline.
func lockVia(l sync.Locker) int { l.Lock(); return line() }

// line returns the line it is called from.
func line() int {
	_, _, l, _ := runtime.Caller(1)
	return l
}

// frameWalk is true where dynamic sites are found by following frame
// pointers.
const frameWalk = runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64"

// TestDynamicSiteWalk locks through every siteless shape, more times than a
// walk has frames, so that the first acquisitions learn return addresses and
// the later ones find their site by the walk alone; each must be given the
// site of the line that locked.
func TestDynamicSiteWalk(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	var m lockrt.Mutex
	var rw lockrt.RWMutex
	var o outer
	shapes := []struct {
		name string
		lock func() int // locks, returns the line that should be the site
		l    sync.Locker
	}{
		{"interface", func() int { var l sync.Locker = &m; l.Lock(); return line() }, &m},
		{"method value", func() int { f := m.Lock; f(); return line() }, &m},
		{"embedded", func() int { var l sync.Locker = &o; l.Lock(); return line() }, &o},
		{"rlocker", func() int { l := rw.RLocker(); l.Lock(); return line() }, rw.RLocker()},
		{"direct", func() int { m.Lock(); return line() }, &m},
		{"rlock", func() int { rw.RLock(); return line() }, rw.RLocker()},
		{"trylock", func() int { m.TryLock(); return line() }, &m},
		{"helper", func() int { return lockVia(&m) }, &m},
		{"cond", func() int {
			c := sync.NewCond(&m)
			done := false
			m.Lock()
			go func() { m.Lock(); done = true; c.Signal(); m.Unlock() }()
			for {
				c.Wait()
				ln := line() - 1 // Wait's
				if done {
					return ln
				}
			}
		}, &m},
	}
	for _, sh := range shapes {
		slow := rec.SlowSites()
		for i := 0; i < lockrt.MaxWalk+2; i++ {
			if i == lockrt.MaxWalk {
				slow = rec.SlowSites()
			}
			ln := sh.lock()
			got := rec.TopSite()
			sh.l.Unlock()
			f, ok := rec.DynamicSites()[got]
			if !ok || f.Line != ln || !strings.HasSuffix(f.File, "site_test.go") {
				t.Errorf("%s, acquisition %d: site %d at %+v, want line %d", sh.name, i, got, f, ln)
				break
			}
		}
		if n := rec.SlowSites() - slow; n != 0 && frameWalk {
			t.Errorf("%s: %d runtime.Callers lookups after %d acquisitions, want the walk alone", sh.name, n, lockrt.MaxWalk)
		}
	}
	for id, f := range rec.DynamicSites() {
		if !strings.HasSuffix(f.File, "site_test.go") {
			t.Errorf("dynamic site %d outside the test: %+v", id, f)
		}
	}
}

// TestDynamicSiteOddCallers locks from callers the walk may not see as
// ordinary frames: reflection and a deferred call. Whatever the site, the
// first acquisition finds it with runtime.Callers and the later ones with
// the walk: they must agree.
func TestDynamicSiteOddCallers(t *testing.T) {
	rec := lockrt.StartRecording(t, false)
	shapes := []struct {
		name string
		lock func(m *lockrt.Mutex) int32 // locks m, returns the site
	}{
		{"reflect", func(m *lockrt.Mutex) int32 {
			reflect.ValueOf(m).MethodByName("Lock").Call(nil)
			return rec.TopSite()
		}},
		{"deferred", func(m *lockrt.Mutex) int32 {
			func() { defer m.Lock() }()
			return rec.TopSite()
		}},
	}
	for _, sh := range shapes {
		var m lockrt.Mutex
		first := int32(0)
		for i := 0; i < lockrt.MaxWalk+2; i++ {
			site := sh.lock(&m)
			m.Unlock()
			if i == 0 {
				first = site
			} else if site != first {
				t.Errorf("%s, acquisition %d: site %d (%+v), the first was %d (%+v)", sh.name, i, site,
					rec.DynamicSites()[site], first, rec.DynamicSites()[first])
				break
			}
		}
	}
}
