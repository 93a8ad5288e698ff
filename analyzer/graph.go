package analyzer

import (
	"fmt"
	"sort"

	"github.com/lockscope/lockscope/analyzer/internal/graph"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// orderGraph is the lock-order graph over all processes. Class edges are
// keyed by class name; same-class edges are also kept per pair of
// instances, keyed by instance (see instKey), since they are judged there.
type orderGraph struct {
	Class map[graph.Edge]*orderEdge
	Inst  map[graph.Edge]*orderEdge
	// instName and instClass describe the nodes of Inst.
	instName  map[string]string
	instClass map[string]string
}

// orderEdge is "To was acquired while From was held", with every recorded
// observation of it.
type orderEdge struct {
	From, To string
	Obs      []*observation
}

// observation is one recorded acquisition behind an edge.
type observation struct {
	Proc  *proc
	Event *event.Event // the KindEdge event: Goroutine, Held, Acq, Stack, Others
	// HeldIdx is the index in Event.Held of the edge's From lock.
	HeldIdx int
	// Gate lists the classes write-held at that moment other than the
	// edge's own endpoint classes, sorted.
	Gate []string
	// HeldClasses and HeldInsts name every held lock, as class names and
	// instance keys, in Event.Held's order.
	HeldClasses, HeldInsts []string
}

// Held is the edge's From lock as held in this observation.
func (o *observation) Held() event.Lock { return o.Event.Held[o.HeldIdx] }

// Try says the acquisition was a TryLock, which never blocks.
func (o *observation) Try() bool { return o.Event.Acq.Try }

// Modes is the held/acquired mode pair, "w->r".
func (o *observation) Modes() string {
	return fmt.Sprintf("%s->%s", modeOf(o.Held()), modeOf(*o.Event.Acq))
}

func modeOf(l event.Lock) event.Mode {
	if l.Mode == "" {
		return event.Write
	}
	return l.Mode
}

// instKey identifies the instance of l across processes.
func instKey(p *proc, l event.Lock) string {
	return fmt.Sprintf("%d/%d/%#x", p.Index, l.Class, l.Inst)
}

// buildOrder builds the lock-order graph from every process's edges.
func buildOrder(m *model) *orderGraph {
	g := &orderGraph{Class: map[graph.Edge]*orderEdge{}, Inst: map[graph.Edge]*orderEdge{},
		instName: map[string]string{}, instClass: map[string]string{}}
	for _, p := range m.Procs {
		handed := handedOff(p)
		for _, ev := range p.Edges {
			if ev.Acq != nil {
				g.addEvent(p, ev, handed)
			}
		}
		p.markWritten()
	}
	return g
}

// addEvent adds one observation per held lock of ev, except for locks its
// goroutine handed to another goroutine to unlock: the order of such a
// lock is not this goroutine's (it may long have been released in all but
// name when the edge was recorded).
func (g *orderGraph) addEvent(p *proc, ev *event.Event, handed map[[2]int64]bool) {
	classes := make([]string, len(ev.Held))
	insts := make([]string, len(ev.Held))
	for i, h := range ev.Held {
		classes[i] = p.Class(h).Name
		insts[i] = g.inst(p, h)
	}
	to := p.Class(*ev.Acq).Name
	toInst := g.inst(p, *ev.Acq)
	for i, h := range ev.Held {
		if handed[[2]int64{h.Inst, ev.Goroutine}] {
			continue
		}
		o := &observation{Proc: p, Event: ev, HeldIdx: i, HeldClasses: classes, HeldInsts: insts}
		o.Gate = gateOf(ev.Held, classes, classes[i], to)
		g.add(g.Class, classes[i], to, o)
		if classes[i] == to && insts[i] != toInst {
			g.add(g.Inst, insts[i], toInst, o)
		}
	}
}

// handedOff lists the (instance, holder goroutine) pairs of p whose lock
// another goroutine released, from KindHandoff events.
func handedOff(p *proc) map[[2]int64]bool {
	out := map[[2]int64]bool{}
	for _, ev := range p.Handoffs {
		out[[2]int64{ev.Inst, ev.Goroutine}] = true
	}
	return out
}

func (g *orderGraph) inst(p *proc, l event.Lock) string {
	k := instKey(p, l)
	if _, ok := g.instName[k]; !ok {
		g.instName[k] = p.InstName(l)
		g.instClass[k] = p.ClassName(l)
	}
	return k
}

func (g *orderGraph) add(m map[graph.Edge]*orderEdge, from, to string, o *observation) {
	k := graph.Edge{From: from, To: to}
	e := m[k]
	if e == nil {
		e = &orderEdge{From: from, To: to}
		m[k] = e
	}
	e.Obs = append(e.Obs, o)
}

// gateOf lists the write-held classes other than from and to.
func gateOf(held []event.Lock, classes []string, from, to string) []string {
	var gate []string
	for i, h := range held {
		c := classes[i]
		if modeOf(h) == event.Write && c != from && c != to {
			gate = append(gate, c)
		}
	}
	return sortedUnique(gate)
}

// markWritten records the modes of locks seen outside edges.
func (p *proc) markWritten() {
	mark := func(ls []event.Lock) {
		for _, l := range ls {
			p.Class(l)
		}
	}
	for _, ev := range p.Edges {
		for _, o := range ev.Others {
			mark(o.Held)
		}
	}
	for _, ev := range p.Misuse {
		if ev.Kind != event.KindUnlockOfUnlocked && ev.Acq != nil {
			mark([]event.Lock{*ev.Acq})
		}
	}
}

// sortedEdges returns m's edges ordered by From, then To.
func sortedEdges(m map[graph.Edge]*orderEdge) []*orderEdge {
	out := make([]*orderEdge, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].To < out[j].To
	})
	return out
}

func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	sort.Strings(s)
	out := s[:1]
	for _, x := range s[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

// resultGraph is the lock-order graph as findings.json shows it. inCycle
// holds the class edges of reported cycles.
func (p *pass) resultGraph(inCycle map[graph.Edge]bool) findings.Graph {
	g := findings.Graph{Nodes: []findings.Node{}, Edges: []findings.Edge{}}
	nodes := map[string]bool{}
	for _, e := range sortedEdges(p.Model.Order.Class) {
		nodes[e.From], nodes[e.To] = true, true
		g.Edges = append(g.Edges, p.resultEdge(e, inCycle[graph.Edge{From: e.From, To: e.To}]))
	}
	for _, n := range sortedKeys(nodes) {
		c := p.Model.Classes[n]
		g.Nodes = append(g.Nodes, findings.Node{Name: n, Kind: c.Kind, RW: c.RW})
	}
	return g
}

func (p *pass) resultEdge(e *orderEdge, inCycle bool) findings.Edge {
	out := findings.Edge{From: e.From, To: e.To, Count: len(e.Obs), Witness: []findings.Evidence{}, InCycle: inCycle, TryOnly: true}
	var modes []string
	for i, o := range e.Obs {
		m := o.Modes()
		if o.Try() {
			m += " (try)"
		} else {
			out.TryOnly = false
		}
		modes = append(modes, m)
		if i < 3 {
			out.Witness = append(out.Witness, p.obsEvidence(o, o.HeldClasses, e.From, e.To))
		}
	}
	out.Modes = sortedUnique(modes)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
