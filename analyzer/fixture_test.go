package analyzer

import (
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// fixture builds a site table and an event log concisely.
type fixture struct {
	sites  *event.SiteTable
	ids    map[string]int32
	siteOf map[string]int32
	evs    []event.Event
	line   int // shifts every site and stack line
}

// newFixture declares classes by name; a "rw:" prefix makes an RWMutex.
func newFixture(classes ...string) *fixture {
	f := &fixture{sites: &event.SiteTable{Classes: []event.Class{{}}, Sites: []event.Site{{}}},
		ids: map[string]int32{}, siteOf: map[string]int32{}}
	for _, c := range classes {
		name, rw := strings.CutPrefix(c, "rw:")
		id := int32(len(f.sites.Classes))
		f.sites.Classes = append(f.sites.Classes, event.Class{ID: id, Name: name, Key: "example.com/app." + name, Kind: "field", RW: rw})
		f.ids[name] = id
	}
	return f
}

// site returns the ID of the op site of class, creating it.
func (f *fixture) site(class, op string) int32 {
	k := class + "." + op
	if id, ok := f.siteOf[k]; ok {
		return id
	}
	id := int32(len(f.sites.Sites))
	f.sites.Sites = append(f.sites.Sites, event.Site{ID: id, Op: op, Class: f.ids[class],
		Frame: event.Frame{Func: "app.lock" + strings.ReplaceAll(class, ".", ""), File: "/mod/app.go", Line: 10 + int(id) + f.line}})
	f.siteOf[k] = id
	return id
}

// w and r name a write or read acquisition of inst of class.
func (f *fixture) w(class string, inst int64) event.Lock {
	return event.Lock{Class: f.ids[class], Inst: inst, Mode: event.Write, Site: f.site(class, "Lock")}
}

func (f *fixture) r(class string, inst int64) event.Lock {
	return event.Lock{Class: f.ids[class], Inst: inst, Mode: event.Read, Site: f.site(class, "RLock")}
}

func try(l event.Lock) event.Lock { l.Try = true; return l }

// first marks l as its instance's first acquisition.
func first(l event.Lock) event.Lock { l.First = true; return l }

// stack is an acquiring stack: the lock runtime's frame, then fn.
func (f *fixture) stack(fn string) []event.Frame {
	return []event.Frame{
		{Func: "github.com/lockscope/lockscope/tracer/lockrt.(*Mutex).Lock", File: "/rt/mutex.go", Line: 50},
		{Func: "example.com/app." + fn, File: "/mod/app.go", Line: 100 + f.line},
		{Func: "runtime.goexit", File: "/go/src/runtime/asm.s", Line: 1700},
	}
}

// edge records goroutine g acquiring acq while holding held, in fn. The
// pointer is valid until the next event is added.
func (f *fixture) edge(g int64, fn string, acq event.Lock, held ...event.Lock) *event.Event {
	f.evs = append(f.evs, event.Event{Kind: event.KindEdge, Goroutine: g, Held: held, Acq: &acq, Stack: f.stack(fn)})
	return &f.evs[len(f.evs)-1]
}

// inst declares an instance with its ordinal.
func (f *fixture) inst(class string, inst, ordinal int64) {
	f.evs = append(f.evs, event.Event{Kind: event.KindInstance, Inst: inst, Class: f.ids[class], Site: f.site(class, "Lock"), Ordinal: ordinal})
}

func (f *fixture) add(ev event.Event) { f.evs = append(f.evs, ev) }

func (f *fixture) input() *Input {
	return &Input{Sites: f.sites, ModuleDir: "/mod", Target: findings.Target{Kind: "test", Name: "./...", Runs: 1},
		Processes: []*tracer.Process{{Run: 1, Package: "example.com/app", Events: f.evs}}}
}

func analyze(t *testing.T, in *Input) *findings.Result {
	t.Helper()
	res, err := Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// ofKind returns the findings of kind.
func ofKind(res *findings.Result, kind findings.Kind) []findings.Finding {
	var out []findings.Finding
	for _, f := range res.Findings {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}
