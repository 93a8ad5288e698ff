package analyzer

import (
	"github.com/lockscope/lockscope/analyzer/internal/graph"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// orderLevel is one of the two graphs lock-order cycles are searched in:
// classes (cross-class cycles) or instances (same-class inversions).
type orderLevel struct {
	name  string // "class" or "instance"
	edges map[graph.Edge]*orderEdge
	// class and display name a node key.
	class, display func(key string) string
	// heldKeys returns the node keys of an observation's held locks.
	heldKeys func(o *observation) []string
	// lockKey is the node key of a lock held by any goroutine of p.
	lockKey func(p *proc, l event.Lock) string
}

func classLevel(g *orderGraph) *orderLevel {
	id := func(k string) string { return k }
	return &orderLevel{name: "class", edges: g.Class, class: id, display: id,
		heldKeys: func(o *observation) []string { return o.HeldClasses },
		lockKey:  func(p *proc, l event.Lock) string { return p.ClassName(l) }}
}

func instLevel(g *orderGraph) *orderLevel {
	return &orderLevel{name: "instance", edges: g.Inst,
		class:    func(k string) string { return g.instClass[k] },
		display:  func(k string) string { return g.instName[k] },
		heldKeys: func(o *observation) []string { return o.HeldInsts },
		lockKey:  func(p *proc, l event.Lock) string { return instKey(p, l) }}
}

// cycle is a judged lock-order cycle: nodes in order and, per edge
// nodes[i] -> nodes[i+1], the observations that can take part.
type cycle struct {
	level      *orderLevel
	nodes      []string
	obs        [][]*observation
	concurrent bool
	truncated  string
	in         map[string]bool // the node keys
	// witnesses are the observations of choices that can deadlock (see
	// feasible.go); nil when the choices were too many to try.
	witnesses map[*observation]bool
}

// cycleEdges are the class edges of the reported lock-order cycles: the
// lock-order check's result, which the graph marks.
type cycleEdges map[graph.Edge]bool

func runOrder(p *pass, _ results) ([]findings.Finding, any, error) {
	var out []findings.Finding
	inCycle := cycleEdges{}
	for _, lv := range []*orderLevel{classLevel(p.Model.Order), instLevel(p.Model.Order)} {
		for _, c := range p.findCycles(lv) {
			out = append(out, p.cycleFinding(c))
			if lv.name == "class" {
				for i := range c.nodes {
					inCycle[graph.CycleEdge(c.nodes, i)] = true
				}
			}
		}
	}
	return out, inCycle, nil
}

// findCycles searches every strongly connected component of lv's blocking
// edges.
func (p *pass) findCycles(lv *orderLevel) []*cycle {
	var keys []graph.Edge
	for k, e := range lv.edges {
		if k.From != k.To && hasBlocking(e) {
			keys = append(keys, k)
		}
	}
	g := graph.New(keys)
	var out []*cycle
	for _, comp := range g.SCCs() {
		var found []*cycle
		note := graph.Cycles(g.Sub(comp), func(nodes []string) bool {
			c := p.judge(lv, nodes)
			if c != nil {
				found = append(found, c)
			}
			return c != nil
		})
		for _, c := range found {
			c.truncated = note
		}
		if note != "" && len(found) == 0 {
			p.Warn("%s", note)
		}
		out = append(out, found...)
	}
	return out
}

func hasBlocking(e *orderEdge) bool {
	for _, o := range e.Obs {
		if !o.Try() {
			return true
		}
	}
	return false
}

// judge decides whether nodes form a reportable cycle: every edge has an
// observation that is not a TryLock and holds no other lock of the cycle
// (else a shorter cycle explains it), every step can block, and no common
// gate lock protects it.
func (p *pass) judge(lv *orderLevel, nodes []string) *cycle {
	in := map[string]bool{}
	for _, n := range nodes {
		in[n] = true
		if ci := p.Model.Classes[lv.class(n)]; ci == nil || !ci.Written {
			return nil // read-read everywhere: no step at n can block
		}
	}
	c := &cycle{level: lv, nodes: nodes, in: in}
	for i := range nodes {
		obs := usable(lv, lv.edges[graph.CycleEdge(nodes, i)], in)
		if len(obs) == 0 {
			return nil
		}
		c.obs = append(c.obs, obs)
	}
	if gated(c, lv) || !p.feasible(c) {
		return nil
	}
	c.concurrent = c.anyConcurrent()
	return c
}

// usable returns the observations of e that can be part of a deadlock
// over the cycle nodes in.
func usable(lv *orderLevel, e *orderEdge, in map[string]bool) []*observation {
	var out []*observation
	for _, o := range e.Obs {
		if o.Try() {
			continue
		}
		ok := true
		for i, k := range lv.heldKeys(o) {
			if i != o.HeldIdx && k != e.From && in[k] {
				ok = false
			}
		}
		if ok {
			out = append(out, o)
		}
	}
	return out
}

// gated reports whether one lock outside the cycle was write-held in every
// usable observation of every edge.
func gated(c *cycle, lv *orderLevel) bool {
	classes := map[string]bool{}
	for _, n := range c.nodes {
		classes[lv.class(n)] = true
	}
	var common map[string]bool
	for _, obs := range c.obs {
		for _, o := range obs {
			common = intersect(common, o.Gate)
			if len(common) == 0 {
				return false
			}
		}
	}
	for g := range common {
		if !classes[g] {
			return true
		}
	}
	return false
}

// intersect returns set ∩ list, treating a nil set as "everything".
func intersect(set map[string]bool, list []string) map[string]bool {
	out := map[string]bool{}
	for _, x := range list {
		if set == nil || set[x] {
			out[x] = true
		}
	}
	return out
}

// anyConcurrent reports whether, at some observation of the cycle, another
// goroutine held a lock of the cycle.
func (c *cycle) anyConcurrent() bool {
	for _, obs := range c.obs {
		for _, o := range obs {
			if c.concurrentAt(o) {
				return true
			}
		}
	}
	return false
}

// concurrentAt reports whether another goroutine held a lock of the cycle
// at observation o.
func (c *cycle) concurrentAt(o *observation) bool {
	for _, g := range o.Event.Others {
		if g.ID != o.Event.Goroutine && holdsAny(c.level, o.Proc, g.Held, c.in) {
			return true
		}
	}
	return false
}

func holdsAny(lv *orderLevel, p *proc, held []event.Lock, in map[string]bool) bool {
	for _, l := range held {
		if in[lv.lockKey(p, l)] {
			return true
		}
	}
	return false
}

// pick returns the observation of edge i to show. One of a choice that
// can deadlock is preferred (see feasible.go), then one taken under no
// other write-held lock, so that the printed scenario does not pair
// witnesses that a common lock keeps apart; then one whose moment had
// another goroutine holding a cycle lock; else the first.
func (c *cycle) pick(i int) *observation {
	var best *observation
	score := -1
	for _, o := range c.obs[i] {
		sc := 0
		if c.witnesses[o] {
			sc += 4
		}
		if len(o.Gate) == 0 {
			sc += 2
		}
		if c.concurrentAt(o) {
			sc++
		}
		if sc > score {
			best, score = o, sc
		}
	}
	return best
}
