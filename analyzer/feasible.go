package analyzer

import (
	"fmt"
	"strings"

	"github.com/lockscope/lockscope/tracer/event"
)

// Can the goroutines of a lock-order cycle all be where its deadlock needs
// them? Each edge of a cycle has observations (which other locks were held,
// in which modes); a deadlock picks one per edge, and that choice fails
// when
//
//   - two of its goroutines hold the same lock class and at least one of
//     them in write mode: they cannot both hold it at once (the gate-lock
//     rule, per choice of observations rather than over all of them); or
//   - a step only read-locks a lock that the next goroutine only
//     read-holds, which blocks only behind a writer queued on it, and every
//     writer of that lock holds a lock (its writer gate) that a goroutine
//     of the cycle holds: no writer can queue, so the step does not block.
//
// A cycle none of whose choices can deadlock is not reported. Classes
// stand for their instances here as everywhere in the class graph.

// maxChoices bounds the choices of observations tried per cycle; past it
// the cycle is taken as feasible.
const maxChoices = 4096

// feasible reports whether some choice of c's observations can deadlock,
// and marks the observations of such choices in c.witnesses.
func (p *pass) feasible(c *cycle) bool {
	k := len(c.nodes)
	opts := make([][]*observation, k)
	total := 1
	for i, obs := range c.obs {
		opts[i] = distinctObs(c.level, obs)
		if total *= len(opts[i]); total > maxChoices {
			return true
		}
	}
	c.witnesses = map[*observation]bool{}
	choice := make([]*observation, k)
	var try func(i int)
	try = func(i int) {
		if i == k {
			if p.canDeadlock(c, choice) {
				for _, o := range choice {
					c.witnesses[o] = true
				}
			}
			return
		}
		for _, o := range opts[i] {
			choice[i] = o
			try(i + 1)
		}
	}
	try(0)
	return len(c.witnesses) > 0
}

// distinctObs keeps one observation per held-lock signature (classes and
// modes held, the mode acquired): the rest decide nothing new.
func distinctObs(lv *orderLevel, obs []*observation) []*observation {
	seen := map[string]bool{}
	var out []*observation
	for _, o := range obs {
		k := obsSignature(lv, o)
		if !seen[k] {
			seen[k] = true
			out = append(out, o)
		}
	}
	return out
}

func obsSignature(lv *orderLevel, o *observation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s>%s;", o.HeldIdx, modeOf(o.Held()), modeOf(*o.Event.Acq))
	keys := lv.heldKeys(o)
	for i, h := range o.Event.Held {
		fmt.Fprintf(&b, "%s/%s/%s,", o.HeldClasses[i], keys[i], modeOf(h))
	}
	return b.String()
}

// canDeadlock judges one choice of observations, choice[i] for edge i.
// Held locks conflict by the level's node keys: classes in the class
// graph, instances in the instance graph (two Account.mu instances are
// two locks).
func (p *pass) canDeadlock(c *cycle, choice []*observation) bool {
	held := map[string][]event.Mode{} // node key -> modes, one per holding goroutine
	classes := map[string]bool{}      // the classes any goroutine holds
	for _, o := range choice {
		keys := c.level.heldKeys(o)
		modes := map[string]event.Mode{}
		for i, h := range o.Event.Held {
			classes[o.HeldClasses[i]] = true
			if m, ok := modes[keys[i]]; !ok || m == event.Read {
				modes[keys[i]] = modeOf(h)
			}
		}
		for k, m := range modes {
			for _, other := range held[k] {
				if m == event.Write || other == event.Write {
					return false // two goroutines hold one lock at once
				}
			}
			held[k] = append(held[k], m)
		}
	}
	for i, o := range choice {
		next := choice[(i+1)%len(choice)]
		if modeOf(*o.Event.Acq) != event.Read || modeOf(next.Held()) != event.Read {
			continue // a write on either side: the step blocks
		}
		for _, g := range p.writerGates(c.level.class(c.nodes[(i+1)%len(c.nodes)])) {
			if classes[g] {
				return false // no writer can queue for this read step
			}
		}
	}
	return true
}

// writerGates returns the classes that every writer of class cls holds in
// write mode when it write-locks cls: the classes held at every Lock call
// site of cls (TryLock never queues). At a site they are the locks taken
// before it in the same function and not yet released (the static lockset,
// as for races), together with the write-held classes common to every
// recorded acquisition at that site (the runtime records an acquisition
// only when it holds something new, so one made holding nothing leaves no
// trace: a site seen only under G is taken as gated by G). A class written
// at a dynamic site, or at a site with neither, has no writer gate.
func (p *pass) writerGates(cls string) []string {
	if g, ok := p.gates[cls]; ok {
		return g
	}
	if p.gates == nil {
		p.gates = map[string][]string{}
	}
	g := p.computeWriterGates(cls)
	p.gates[cls] = g
	return g
}

func (p *pass) computeWriterGates(cls string) []string {
	tab := p.Model.Sites
	recorded, dynamic := p.recordedWriterGates(cls)
	if dynamic {
		return nil
	}
	src, sites := newSources(p.Input.ModuleDir), newLockSites(tab)
	var common map[string]bool
	found := false
	for _, s := range tab.Sites {
		if s.ID <= 0 || s.Op != "Lock" || s.Class <= 0 || int(s.Class) >= len(tab.Classes) || tab.Classes[s.Class].Name != cls {
			continue
		}
		found = true
		gate := map[string]bool{}
		for _, c := range recorded[s.ID] {
			gate[c] = true
		}
		if f := src.file(s.Frame.File); f != nil {
			for _, h := range f.heldAt(s.Frame.Line, true, sites[s.Frame.File], tab) {
				if !h.Read && h.Name != cls {
					gate[h.Name] = true
				}
			}
		}
		common = intersect(common, sortedKeys(gate))
		if len(common) == 0 {
			return nil
		}
	}
	if !found {
		return nil
	}
	return sortedKeys(common)
}

// recordedWriterGates returns, per Lock site of cls, the classes write-held
// at every recorded write acquisition of cls there; dynamic is set when cls
// was write-locked at a site the site table does not know.
func (p *pass) recordedWriterGates(cls string) (map[int32][]string, bool) {
	sets := map[int32]map[string]bool{}
	for _, pr := range p.Model.Procs {
		for _, ev := range pr.Edges {
			if ev.Acq == nil || modeOf(*ev.Acq) != event.Write || ev.Acq.Try || ev.Acq.First || pr.ClassName(*ev.Acq) != cls {
				continue // a TryLock never queues, nor does an instance's first lock: nobody had it yet
			}
			if ev.Acq.Site <= 0 {
				return nil, true
			}
			var held []string
			for _, h := range ev.Held {
				if modeOf(h) == event.Write && pr.ClassName(h) != cls {
					held = append(held, pr.ClassName(h))
				}
			}
			if set, ok := sets[ev.Acq.Site]; ok {
				sets[ev.Acq.Site] = intersect(set, held)
			} else {
				sets[ev.Acq.Site] = intersect(nil, held)
			}
		}
	}
	out := map[int32][]string{}
	for site, set := range sets {
		out[site] = sortedKeys(set)
	}
	return out, false
}
