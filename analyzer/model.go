package analyzer

import (
	"fmt"
	"path/filepath"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// model is the decoded form of every process's event log.
type model struct {
	Sites *event.SiteTable
	Procs []*proc
	// Classes holds every lock class seen, by name.
	Classes map[string]*classInfo
	// Order is the lock-order graph over all processes.
	Order *orderGraph

	lineClass map[string]int32 // "file:line" -> static class; see classAt
}

// classInfo is what is known about one lock class.
type classInfo struct {
	Name string
	Kind string // "field", "var", "local" or "site" (dynamic)
	RW   bool
	// Written is set when the class is write-locked anywhere: in an
	// observed acquisition or, for a static class, at a Lock call site in
	// the site table.
	Written bool
	// FPKey names the class in fingerprints: the name, without a line for
	// classes named after a dynamic site.
	FPKey string
}

// proc is one process's decoded events.
type proc struct {
	Index   int // position in Input.Processes
	Process *tracer.Process
	// Sites are the dynamic sites described by KindSite events.
	Sites map[int32]event.Frame
	// Insts are the lock instances described by KindInstance events.
	Insts map[int64]*instance
	// Edges, Misuse and Snapshots keep the events of those kinds in order.
	Edges     []*event.Event
	Misuse    []*event.Event
	Snapshots []*event.Event
	Overflows []*event.Event
	// Handoffs are the KindHandoff events: locks one goroutine took and
	// another released.
	Handoffs []*event.Event
	// Leaks are the KindLeak events and TestEnds the KindTest events, in
	// order (leakproof.go).
	Leaks, TestEnds []*event.Event
	// Stats is the last KindStats event's content.
	Stats []event.ClassStats
	model *model
}

// instance is one lock instance of one process.
type instance struct {
	ID      int64
	Class   int32
	Site    int32 // first acquisition
	Ordinal int64 // 1 for the first instance of its class
}

// newModel decodes every process of in.
func newModel(in *Input) *model {
	m := &model{Sites: in.Sites, Classes: map[string]*classInfo{}}
	if m.Sites == nil {
		m.Sites = &event.SiteTable{}
	}
	for i, p := range in.Processes {
		m.Procs = append(m.Procs, m.decode(i, p))
	}
	m.markStaticWriters()
	m.Order = buildOrder(m)
	return m
}

// decode sorts one process's events by kind.
func (m *model) decode(i int, p *tracer.Process) *proc {
	pr := &proc{Index: i, Process: p, Sites: map[int32]event.Frame{}, Insts: map[int64]*instance{}, model: m}
	for k := range p.Events {
		ev := &p.Events[k]
		switch ev.Kind {
		case event.KindSite:
			if ev.Frame != nil {
				pr.Sites[ev.Site] = *ev.Frame
			}
		case event.KindInstance:
			pr.Insts[ev.Inst] = &instance{ID: ev.Inst, Class: ev.Class, Site: ev.Site, Ordinal: ev.Ordinal}
		case event.KindEdge:
			pr.Edges = append(pr.Edges, ev)
		case event.KindDoubleLock, event.KindRecursiveRLock, event.KindUnlockOfUnlocked, event.KindDeadlock:
			pr.Misuse = append(pr.Misuse, ev)
		case event.KindSnapshot:
			pr.Snapshots = append(pr.Snapshots, ev)
		case event.KindStats:
			pr.Stats = ev.Stats
		case event.KindOverflow:
			pr.Overflows = append(pr.Overflows, ev)
		case event.KindHandoff:
			pr.Handoffs = append(pr.Handoffs, ev)
		case event.KindLeak:
			pr.Leaks = append(pr.Leaks, ev)
		case event.KindTest:
			pr.TestEnds = append(pr.TestEnds, ev)
		}
	}
	return pr
}

// markStaticWriters marks classes with a Lock or TryLock call site in the
// site table as written: code that write-locks them exists.
func (m *model) markStaticWriters() {
	for _, s := range m.Sites.Sites {
		if s.Class <= 0 || (s.Op != "Lock" && s.Op != "TryLock") {
			continue
		}
		if int(s.Class) < len(m.Sites.Classes) {
			m.class(m.Sites.Classes[s.Class].Name, s.Class, "").Written = true
		}
	}
}

// class returns the ClassInfo named name, creating it; fp is its
// fingerprint key when that is not the name.
func (m *model) class(name string, id int32, fp string) *classInfo {
	if c := m.Classes[name]; c != nil {
		return c
	}
	c := &classInfo{Name: name, FPKey: name, Kind: "site"}
	if id > 0 && int(id) < len(m.Sites.Classes) {
		sc := m.Sites.Classes[id]
		c.Kind, c.RW = sc.Kind, sc.RW
	}
	if fp != "" {
		c.FPKey = fp
	}
	m.Classes[name] = c
	return c
}

// SiteFrame returns where site s is: the site table for positive IDs, the
// process's KindSite events for negative ones.
func (p *proc) SiteFrame(s int32) (event.Frame, bool) {
	if s > 0 && int(s) < len(p.model.Sites.Sites) {
		return p.model.Sites.Sites[s].Frame, true
	}
	f, ok := p.Sites[s]
	return f, ok
}

// SiteLoc returns "file.go:31" for site s, or "" when it is unknown.
func (p *proc) SiteLoc(s int32) string {
	f, ok := p.SiteFrame(s)
	if !ok || f.File == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
}

// ClassName names the class of l: the site table's name for a static
// class, "Func:line" of the site for a dynamic one.
func (p *proc) ClassName(l event.Lock) string {
	id := l.Class
	if id > 0 && int(id) < len(p.model.Sites.Classes) && p.model.Sites.Classes[id].Name != "" {
		return p.model.Sites.Classes[id].Name
	}
	site := classSite(l)
	if f, ok := p.SiteFrame(site); ok {
		if cid := p.model.classAt(f); cid > 0 {
			return p.model.Sites.Classes[cid].Name
		}
		return fmt.Sprintf("%s:%d", findings.ShortFunc(f.Func), f.Line)
	}
	if id == 0 {
		return fmt.Sprintf("lock@site%d", site)
	}
	return fmt.Sprintf("class%d", id)
}

// Class returns the ClassInfo of l, recording it in the model.
func (p *proc) Class(l event.Lock) *classInfo {
	c := p.model.class(p.ClassName(l), l.Class, p.classFunc(l))
	if l.Mode == event.Write || l.Mode == "" {
		c.Written = true
	}
	return c
}

// classSite returns the site a dynamic class is named after.
func classSite(l event.Lock) int32 {
	if l.Class < 0 {
		return l.Class
	}
	return l.Site
}

// classFunc returns the function a dynamic class is named after, or "" for
// a static class.
func (p *proc) classFunc(l event.Lock) string {
	if l.Class > 0 && int(l.Class) < len(p.model.Sites.Classes) {
		return ""
	}
	if f, ok := p.SiteFrame(classSite(l)); ok && p.model.classAt(f) == 0 {
		return findings.ShortFunc(f.Func)
	}
	return ""
}

// classAt returns the static class of the instrumented call at f's file and
// line, or 0 when there is none or the line calls locks of several classes.
// It names a lock the runtime met only through a dynamic site — an Unlock of
// a never-locked mutex, a Lock through a method value — by the site table.
func (m *model) classAt(f event.Frame) int32 {
	if m.lineClass == nil {
		m.lineClass = map[string]int32{}
		for _, s := range m.Sites.Sites {
			k := fmt.Sprintf("%s:%d", s.Frame.File, s.Frame.Line)
			if old, seen := m.lineClass[k]; seen && old != s.Class {
				m.lineClass[k] = 0
			} else {
				m.lineClass[k] = s.Class
			}
		}
	}
	cid := m.lineClass[fmt.Sprintf("%s:%d", f.File, f.Line)]
	if cid <= 0 || int(cid) >= len(m.Sites.Classes) {
		return 0
	}
	return cid
}

// InstName names l's instance distinguishably: "Account.mu#2 (first locked
// at bank.go:31)".
func (p *proc) InstName(l event.Lock) string {
	name := p.ClassName(l)
	in := p.Insts[l.Inst]
	if in == nil {
		return fmt.Sprintf("%s (instance %#x)", name, l.Inst)
	}
	if loc := p.SiteLoc(in.Site); loc != "" {
		return fmt.Sprintf("%s#%d (first locked at %s)", name, in.Ordinal, loc)
	}
	return fmt.Sprintf("%s#%d", name, in.Ordinal)
}

// Label says which process p is, for messages: "run 2 of example.com/kv".
func (p *proc) Label() string {
	s := fmt.Sprintf("run %d", p.Process.Run)
	if p.Process.Package != "" {
		s += " of " + p.Process.Package
	}
	return s
}
