package analyzer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// TestContentionThresholds checks which stats give contention and
// long-hold findings, and at what severity.
func TestContentionThresholds(t *testing.T) {
	ms := int64(time.Millisecond)
	for _, tc := range []struct {
		name       string
		stats      event.ClassStats
		th         Thresholds
		contention bool
		longHold   findings.Severity // "" for none
	}{
		{"quiet", event.ClassStats{Contended: 3, WaitNs: ms, MaxWaitNs: ms / 2}, Thresholds{}, false, ""},
		{"hot", event.ClassStats{Contended: 400, WaitNs: 900 * ms, MaxWaitNs: 20 * ms}, Thresholds{}, true, ""},
		{"few waits", event.ClassStats{Contended: 5, WaitNs: 900 * ms, MaxWaitNs: 20 * ms}, Thresholds{}, false, ""},
		{"small share", event.ClassStats{Contended: 400, WaitNs: 60 * ms, MaxWaitNs: ms}, Thresholds{MinWaitShare: 0.1}, false, ""},
		{"threshold off", event.ClassStats{Contended: 3, WaitNs: ms, MaxWaitNs: ms / 2}, Thresholds{MinWaitNs: -1, MinWaitShare: -1, MinWaits: -1}, true, ""},
		{"long wait", event.ClassStats{Contended: 2, WaitNs: 300 * ms, MaxWaitNs: 250 * ms}, Thresholds{}, false, findings.Warning},
		{"sampled hold only", event.ClassStats{HoldSamples: 1, HoldNs: 150 * ms, MaxHoldNs: 150 * ms}, Thresholds{}, false, findings.Info},
		{"long-hold raised", event.ClassStats{HoldSamples: 1, HoldNs: 150 * ms, MaxHoldNs: 150 * ms}, Thresholds{LongHoldNs: 200 * ms}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture("Cache.mu")
			tc.stats.Class = f.ids["Cache.mu"]
			f.add(event.Event{Kind: event.KindStats, Stats: []event.ClassStats{tc.stats}})
			in := f.input()
			in.Processes[0].Duration = time.Second
			in.Thresholds = tc.th
			res := analyze(t, in)
			if got := len(ofKind(res, "contention")) == 1; got != tc.contention {
				t.Errorf("contention finding: %v, want %v", got, tc.contention)
			}
			lh := ofKind(res, "long-hold")
			switch {
			case tc.longHold == "" && len(lh) != 0:
				t.Errorf("unexpected long-hold: %+v", lh[0])
			case tc.longHold != "" && (len(lh) != 1 || lh[0].Severity != tc.longHold):
				t.Errorf("long-hold: %+v, want one %s", lh, tc.longHold)
			}
		})
	}
}

const rt = "github.com/lockscope/lockscope/tracer/lockrt."

// TestLockProfile checks that a block profile keeps only waits on
// instrumented locks, trimmed to the user's Lock call and named by the
// site table, and that a deferred Unlock in a mutex profile is charged to
// its function.
func TestLockProfile(t *testing.T) {
	f := newFixture("Server.mu")
	lock, unlock := f.site("Server.mu", "Lock"), f.site("Server.mu", "Unlock")
	lockAt, unlockAt := f.sites.Sites[lock].Frame, f.sites.Sites[unlock].Frame
	dir := t.TempDir()
	p := &tracer.Process{ProfilePrefix: filepath.Join(dir, "target")}
	writeTestProfile(t, p.ProfilePath(tracer.BlockProfile),
		[]findings.Frame{{Func: "sync.(*Mutex).Lock"}, {Func: rt + "(*recorder).lock"}, {Func: rt + "(*Mutex).LockAt"},
			{Func: "main.(*Server).get", File: lockAt.File, Line: lockAt.Line}, {Func: "runtime.goexit"}},
		[]findings.Frame{{Func: "runtime.chanrecv1"}, {Func: "main.worker", File: "/mod/app.go", Line: 7}},
		[]findings.Frame{{Func: "sync.(*Mutex).Lock"}, {Func: rt + "(*recorder).emit"}, {Func: "main.x", File: "/mod/app.go", Line: 9}})
	writeTestProfile(t, p.ProfilePath(tracer.MutexProfile),
		[]findings.Frame{{Func: "sync.(*Mutex).Unlock"}, {Func: rt + "(*Mutex).Unlock"},
			{Func: "main.(*Server).get.deferwrap1", File: unlockAt.File, Line: unlockAt.Line},
			{Func: "main.(*Server).get", File: unlockAt.File, Line: 99}})

	block, err := lockProfile(f.sites, p, tracer.BlockProfile)
	if err != nil || len(block) != 1 {
		t.Fatalf("block: %+v, %v; want one sample", block, err)
	}
	if b := block[0]; b.Lock != "Server.mu" || b.Stack[0].Func != "main.(*Server).get" || len(b.Stack) != 1 || b.DelayNs != 1000 {
		t.Errorf("block sample: %+v", b)
	}
	mutex, err := lockProfile(f.sites, p, tracer.MutexProfile)
	if err != nil || len(mutex) != 1 {
		t.Fatalf("mutex: %+v, %v; want one sample", mutex, err)
	}
	if m := mutex[0]; m.Lock != "Server.mu" || m.Stack[0].Func != "main.(*Server).get" || m.Stack[0].Line != 99 {
		t.Errorf("mutex sample: %+v", m)
	}
	if none, err := lockProfile(f.sites, &tracer.Process{ProfilePrefix: filepath.Join(dir, "absent")}, tracer.BlockProfile); err != nil || none != nil {
		t.Errorf("missing profile: %v, %v", none, err)
	}
}

// writeTestProfile writes a runtime-style profile with one sample of 1
// contention and 1000ns per stack.
func writeTestProfile(t *testing.T, path string, stacks ...[]findings.Frame) {
	t.Helper()
	p := &profile.Profile{SampleType: []*profile.ValueType{{Type: "contentions", Unit: "count"}, {Type: "delay", Unit: "nanoseconds"}}}
	for _, st := range stacks {
		s := &profile.Sample{Value: []int64{1, 1000}}
		for _, fr := range st {
			fn := &profile.Function{ID: uint64(len(p.Function) + 1), Name: fr.Func, Filename: fr.File}
			loc := &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: fn, Line: int64(fr.Line)}}}
			p.Function, p.Location = append(p.Function, fn), append(p.Location, loc)
			s.Location = append(s.Location, loc)
		}
		p.Sample = append(p.Sample, s)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := p.Write(out); err != nil {
		t.Fatal(err)
	}
}

// TestLongHoldNamesAcquisition: a read transaction takes DB.mmaplock in
// beginTx and a rollback releases it in removeTx, the only frame of the
// mutex profile's stack that touches the lock. The long-hold finding
// names the critical section by where it began, beginTx, and says where it
// ended.
func TestLongHoldNamesAcquisition(t *testing.T) {
	ms := int64(time.Millisecond)
	const file = "/mod/db.go"
	tab := &event.SiteTable{Classes: []event.Class{{}, {ID: 1, Name: "DB.mmaplock", Kind: "field", RW: true}}, Sites: []event.Site{{}}}
	for _, s := range []struct {
		op, fn string
		line   int
	}{{"RLock", "beginTx", 801}, {"RUnlock", "removeTx", 877}, {"Lock", "mmap", 457}, {"Unlock", "mmap", 470}} {
		tab.Sites = append(tab.Sites, event.Site{ID: int32(len(tab.Sites)), Op: s.op, Class: 1,
			Frame: event.Frame{Func: "example.com/bolt.(*DB)." + s.fn, File: file, Line: s.line}})
	}
	dir := t.TempDir()
	p := &tracer.Process{Run: 1, Package: "example.com/bolt", Duration: time.Second, ProfilePrefix: filepath.Join(dir, "target"),
		Events: []event.Event{{Kind: event.KindStats, Stats: []event.ClassStats{{Class: 1, Contended: 2, WaitNs: 600 * ms, MaxWaitNs: 588 * ms}}}}}
	writeTestProfile(t, p.ProfilePath(tracer.MutexProfile),
		[]findings.Frame{{Func: "sync.(*RWMutex).RUnlock"}, {Func: rt + "(*RWMutex).RUnlock"},
			{Func: "example.com/bolt.(*DB).removeTx", File: file, Line: 877},
			{Func: "example.com/bolt.(*Tx).Rollback", File: "/mod/tx.go", Line: 20}})
	res := analyze(t, &Input{Sites: tab, ModuleDir: "/mod", Processes: []*tracer.Process{p}})
	lh := ofKind(res, "long-hold")
	if len(lh) != 1 {
		t.Fatalf("long-hold findings %+v, want one", lh)
	}
	const want = "bolt.(*DB).beginTx (db.go:801), released in bolt.(*DB).removeTx (db.go:877)"
	for what, text := range map[string]string{"message": lh[0].Message, "advice": lh[0].Advice} {
		if !strings.Contains(text, want) {
			t.Errorf("%s does not name the acquisition, %q: %s", what, want, text)
		}
	}
}
