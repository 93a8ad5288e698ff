package analyzer

import (
	"fmt"
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/graph"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// cycleFinding turns a judged cycle into a lock-order-cycle finding.
func (p *pass) cycleFinding(c *cycle) findings.Finding {
	c.rotate()
	names := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		names[i] = c.level.display(n)
	}
	conc := c.concurrent
	f := findings.Finding{
		Kind: findings.KindLockOrderCycle, Severity: findings.Error, Confidence: findings.Predicted,
		Locks: names, Level: c.level.name, Concurrent: &conc, Truncated: c.truncated,
	}
	if p.observedDeadlock(c) {
		f.Confidence = findings.Observed
	}
	f.Title = "Lock-order cycle: " + graph.CycleString(names)
	if c.level.name == "instance" {
		f.Title = fmt.Sprintf("Lock-order inversion between %d %s instances", len(names), c.level.class(c.nodes[0]))
	}
	for i := range c.nodes {
		o := c.pick(i)
		f.Evidence = append(f.Evidence, p.obsEvidence(o, c.heldNames(o), names[i], names[(i+1)%len(names)]))
	}
	f.Message = p.cycleMessage(c, names)
	f.Advice = p.cycleAdvice(c, names)
	f.ID = findings.Fingerprint(f.Kind, c.classKeys(p), c.funcs(p))
	if pkg := c.onePackage(); pkg != "" {
		f.Package = pkg
	}
	f.Count = c.processes()
	return f
}

// processes counts the target processes (runs, test binaries) that recorded
// an edge of the cycle.
func (c *cycle) processes() int {
	seen := map[*proc]bool{}
	for _, obs := range c.obs {
		for _, o := range obs {
			seen[o.Proc] = true
		}
	}
	return len(seen)
}

// rotate starts the cycle at its smallest display name, keeping its order.
func (c *cycle) rotate() {
	best := 0
	for i, n := range c.nodes {
		if c.level.display(n) < c.level.display(c.nodes[best]) {
			best = i
		}
	}
	c.nodes = append(c.nodes[best:], c.nodes[:best]...)
	c.obs = append(c.obs[best:], c.obs[:best]...)
}

func (c *cycle) heldNames(o *observation) []string {
	var out []string
	for i, h := range o.Event.Held {
		if c.level.name == "instance" {
			out = append(out, o.Proc.InstName(h))
		} else {
			out = append(out, o.HeldClasses[i])
		}
	}
	return out
}

// classKeys are the fingerprint keys of the cycle's classes, sorted.
func (c *cycle) classKeys(p *pass) []string {
	var out []string
	for _, n := range c.nodes {
		if ci := p.Model.Classes[c.level.class(n)]; ci != nil {
			out = append(out, ci.FPKey)
		}
	}
	return sortedUnique(out)
}

// funcs are the functions that took the cycle's edges, sorted.
func (c *cycle) funcs(p *pass) []string {
	var out []string
	for _, obs := range c.obs {
		for _, o := range obs {
			out = append(out, stackFunc(p.KeyFrame(o.Event.Stack)))
		}
	}
	return sortedUnique(out)
}

func (c *cycle) onePackage() string {
	pkg := c.obs[0][0].Proc.Process.Package
	for _, obs := range c.obs {
		for _, o := range obs {
			if o.Proc.Process.Package != pkg {
				return ""
			}
		}
	}
	return pkg
}

// cycleMessage says who takes what in which order, whether it was seen
// concurrently, and the lockdep-style unsafe scenario.
func (p *pass) cycleMessage(c *cycle, names []string) string {
	var b strings.Builder
	if c.level.name == "instance" {
		fmt.Fprintf(&b, "Two %s instances were locked in both orders. ", c.level.class(c.nodes[0]))
	} else {
		fmt.Fprintf(&b, "The locks %s are acquired in conflicting orders. ", strings.Join(names, ", "))
	}
	for i := range c.nodes {
		o := c.pick(i)
		fmt.Fprintf(&b, "%s takes %s while holding %s. ", location(p.KeyFrame(o.Event.Stack)), names[(i+1)%len(names)], names[i])
	}
	if c.concurrent {
		b.WriteString("The conflicting acquisitions were seen concurrently.")
	} else {
		b.WriteString("The conflicting acquisitions were seen at different times; a concurrent run can deadlock.")
	}
	b.WriteString("\n\nPossible unsafe locking scenario:\n\n")
	b.WriteString(p.scenario(c, names))
	return b.String()
}

// scenario is the interleaving that deadlocks: every goroutine takes its
// first lock (named by the function that took it), a writer queues on
// each lock that the next step only read-locks, then each blocks on the
// next one.
func (p *pass) scenario(c *cycle, names []string) string {
	var b strings.Builder
	k := len(names)
	for i := range k {
		o := c.pick(i)
		fmt.Fprintf(&b, "  goroutine %d: %s %s    [%s]\n", i+1, verb(o.Held()), names[i], p.heldFunc(o))
	}
	writer := map[int]int{} // step -> the goroutine number of its writer
	for i := range k {
		next := (i + 1) % k
		if modeOf(*c.pick(i).Event.Acq) != event.Read || modeOf(c.pick(next).Held()) != event.Read {
			continue
		}
		writer[i] = k + len(writer) + 1
		fmt.Fprintf(&b, "  goroutine %d: lock %s    [%s] (queues behind goroutine %d's read lock)\n",
			writer[i], names[next], p.writerFunc(c.level.class(c.nodes[next])), next+1)
	}
	for i := range k {
		o := c.pick(i)
		next := (i + 1) % k
		why := fmt.Sprintf("blocks: held by goroutine %d", next+1)
		if w, ok := writer[i]; ok {
			why = fmt.Sprintf("blocks behind goroutine %d, queued on it, while goroutine %d read-holds it", w, next+1)
		}
		fmt.Fprintf(&b, "  goroutine %d: %s %s (%s)\n", i+1, verb(*o.Event.Acq), names[next], why)
	}
	b.WriteString("  *** deadlock ***")
	return b.String()
}

// heldFunc names the function that took o's held lock: its acquisition
// site's, else the function of o's stack.
func (p *pass) heldFunc(o *observation) string {
	if f, ok := o.Proc.SiteFrame(o.Held().Site); ok && f.Func != "" {
		return findings.ShortFunc(f.Func)
	}
	return stackFunc(p.KeyFrame(o.Event.Stack))
}

// writerFunc names a function that write-locks class cls: its first Lock
// call site in the site table, else one recorded at a dynamic site; "a
// writer" when none is known.
func (p *pass) writerFunc(cls string) string {
	tab := p.Model.Sites
	for _, s := range tab.Sites {
		if s.ID > 0 && s.Op == "Lock" && s.Class > 0 && int(s.Class) < len(tab.Classes) && tab.Classes[s.Class].Name == cls {
			return findings.ShortFunc(s.Frame.Func)
		}
	}
	for _, pr := range p.Model.Procs {
		for _, ev := range pr.Edges {
			if ev.Acq != nil && modeOf(*ev.Acq) == event.Write && pr.ClassName(*ev.Acq) == cls {
				return stackFunc(p.KeyFrame(ev.Stack))
			}
		}
	}
	return "a writer"
}

func verb(l event.Lock) string {
	if modeOf(l) == event.Read {
		return "rlock"
	}
	return "lock"
}

// cycleAdvice names the edge to change: the one taken by the fewest
// observations, and the order the other edges already follow.
func (p *pass) cycleAdvice(c *cycle, names []string) string {
	k := len(names)
	weak := 0
	for i := range k {
		if len(c.level.edges[graph.CycleEdge(c.nodes, i)].Obs) < len(c.level.edges[graph.CycleEdge(c.nodes, weak)].Obs) {
			weak = i
		}
	}
	var sites []string
	for _, o := range c.obs[weak] {
		sites = append(sites, location(p.KeyFrame(o.Event.Stack)))
	}
	sites = sortedUnique(sites)
	from, to := names[weak], names[(weak+1)%k]
	if c.level.name == "instance" {
		cls := c.level.class(c.nodes[0])
		return fmt.Sprintf("Lock %s instances in one global order everywhere (for example by a stable key such as an ID, lower first, or by address) in %s; or never hold one %s while locking another: release %s before locking %s.",
			cls, strings.Join(sites, ", "), cls, from, to)
	}
	order := make([]string, 0, k)
	for i := 1; i <= k; i++ {
		order = append(order, names[(weak+i)%k])
	}
	which := "for example " + strings.Join(order, " before ")
	if tie := c.edgeCountsEqual(); !tie {
		which = strings.Join(order, " before ") + ", the order seen most often"
	}
	return fmt.Sprintf("Acquire these locks in one order everywhere: %s. %s %s %s while holding %s: acquire %s first there, or release %s before locking %s. If it is the other order that the code means (a test misusing an API, say), change the other side instead.",
		which, strings.Join(sites, ", "), takes(len(sites)), to, from, to, from, to)
}

// edgeCountsEqual reports whether every edge of the cycle was observed
// equally often, so that no order is the majority's.
func (c *cycle) edgeCountsEqual() bool {
	n := len(c.level.edges[graph.CycleEdge(c.nodes, 0)].Obs)
	for i := range c.nodes {
		if len(c.level.edges[graph.CycleEdge(c.nodes, i)].Obs) != n {
			return false
		}
	}
	return true
}

// takes agrees with the number of sites before it.
func takes(n int) string {
	if n == 1 {
		return "takes"
	}
	return "each take"
}

// observedDeadlock reports whether a snapshot caught this cycle's locks in
// a wait-for cycle.
func (p *pass) observedDeadlock(c *cycle) bool {
	var classes []string
	for _, n := range c.nodes {
		classes = append(classes, c.level.class(n))
	}
	classes = sortedUnique(classes)
	for _, s := range p.snapCycles() {
		if strings.Join(s.classes, "\x00") == strings.Join(classes, "\x00") {
			return true
		}
	}
	return false
}
