package analyzer

import (
	"fmt"
	"go/token"
	"regexp"
	"slices"
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/gtrace"
	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// runBlocking reports locks held across blocking operations, from the
// execution trace's completed blocks: a channel operation, select,
// WaitGroup or Cond wait, sleep or network wait whose blocking stack holds
// a lock. Which locks a stack holds is derived statically from the stack
// and the site table (see racelockset.go). When a goroutine of the program
// released the block (see programRelease) and was itself seen acquiring
// one of those locks — it logged a contended wait for the class, or a
// function of its unblocking stack has an acquisition site of the class —
// the finding is a predicted mixed-deadlock instead: had it wanted the lock
// while the block waited, neither could have proceeded; those are handed
// on, as the check's result, to the mixed-deadlock check, which reports
// every mixed deadlock. A block that the runtime ended (a timer, the
// network poller, the end of another goroutine's I/O on the same file)
// stays a blocking-under-lock warning.
func runBlocking(p *pass, _ results) ([]findings.Finding, any, error) {
	src, sites := newSources(p.Input.ModuleDir), newLockSites(p.Model.Sites)
	byID := map[string]int{}
	var out []findings.Finding
	for _, pr := range p.Model.Procs {
		sum := p.traceOf(pr)
		if sum == nil {
			continue
		}
		handed := handedClasses(pr)
		for i := range sum.Blocks {
			b := &sum.Blocks[i]
			if !blockingReason(b.Reason) {
				continue
			}
			st := trim(framesOf(b.Stack))
			held := slices.DeleteFunc(src.held(st, sites, p.Model.Sites), func(h heldLock) bool {
				return handed[handedKey{h.Name, b.G}] // given to another goroutine to unlock
			})
			if len(held) == 0 {
				continue
			}
			f := p.blockingFinding(pr, src, b, st, held)
			if j, ok := byID[f.ID]; ok {
				out[j].Count++
				continue
			}
			f.Count = 1
			byID[f.ID] = len(out)
			out = append(out, f)
		}
	}
	var predicted predictedMixed
	out = slices.DeleteFunc(out, func(f findings.Finding) bool {
		if f.Kind == findings.KindMixedDeadlock {
			predicted = append(predicted, f)
			return true
		}
		return false
	})
	return out, predicted, nil
}

// predictedMixed are the mixed deadlocks the blocking check predicted: its
// result, which the mixed-deadlock check reports.
type predictedMixed []findings.Finding

// handedKey is a lock class and a goroutine that handed a lock of it to
// another goroutine to unlock.
type handedKey struct {
	class string
	g     int64
}

func handedClasses(pr *proc) map[handedKey]bool {
	out := map[handedKey]bool{}
	for _, ev := range pr.Handoffs {
		if ev.Acq != nil {
			out[handedKey{pr.ClassName(*ev.Acq), ev.Goroutine}] = true
		}
	}
	return out
}

// blockingReason reports whether a block for reason r, held under a lock,
// makes every other user of the lock wait on something that is not a lock.
func blockingReason(r string) bool {
	return r != gtrace.ReasonLock && r != gtrace.ReasonSync && r != ""
}

func (p *pass) blockingFinding(pr *proc, src *sources, b *gtrace.Block, st []findings.Frame, held []heldLock) findings.Finding {
	key := p.keyFrame(st)
	var names, taken []string
	released := programRelease(b)
	for _, h := range held {
		names = append(names, h.Name)
		if released && p.unblockerTakes(pr, src, b, h.Name) {
			taken = append(taken, h.Name)
		}
	}
	ub := trim(framesOf(b.Unblocker))
	ukey := p.keyFrame(ub)
	times := fmt.Sprintf("%d time", b.Count)
	if b.Count != 1 {
		times += "s"
	}
	what := blockWords(b)
	msg := fmt.Sprintf("In %s a goroutine blocked on %s in %s while holding %s, %s (%s in all, worst %s).",
		pr.Label(), what, location(key), strings.Join(names, ", "), times, findings.Duration(b.TotalNs), findings.Duration(b.MaxNs))
	evs := []findings.Evidence{{Role: fmt.Sprintf("goroutine %d blocks on %s holding %s", b.G, what, strings.Join(names, ", ")),
		Goroutine: b.G, Stack: orEmpty(st), Held: names}}
	msg += releaseWords(b, released, ukey)
	if released {
		evs = append(evs, findings.Evidence{Role: fmt.Sprintf("goroutine %d unblocks it", b.By), Goroutine: b.By, Stack: ub})
	}
	if len(taken) > 0 {
		msg += fmt.Sprintf(" That goroutine also acquires %s: had it wanted the lock while this %s waited, neither could have proceeded. This run did not deadlock; another interleaving does.",
			strings.Join(taken, ", "), b.Reason)
		return findings.Finding{
			ID:   findings.Fingerprint(findings.KindMixedDeadlock, append([]string{b.Reason}, taken...), []string{stackFunc(key), stackFunc(ukey), pr.Process.Package}),
			Kind: findings.KindMixedDeadlock, Severity: findings.Error, Confidence: findings.Predicted, Package: pr.Process.Package,
			Title: fmt.Sprintf("Possible mixed deadlock: %s blocks on %s holding %s, and its unblocker %s takes %s",
				findings.ShortFunc(key.Func), b.Reason, strings.Join(taken, ", "), findings.ShortFunc(ukey.Func), strings.Join(taken, ", ")),
			Message: msg, Locks: taken, Evidence: evs, Advice: mixedAdvice(key, taken),
		}
	}
	msg += " Every other goroutine that wants the lock waits for that operation too."
	return findings.Finding{
		ID:   findings.Fingerprint(findings.KindBlockingUnderLock, append([]string{b.Reason}, names...), []string{stackFunc(key), pr.Process.Package}),
		Kind: findings.KindBlockingUnderLock, Severity: findings.Warning, Confidence: findings.Observed, Package: pr.Process.Package,
		Title:   fmt.Sprintf("%s is held across %s in %s", strings.Join(names, ", "), what, findings.ShortFunc(key.Func)),
		Message: msg, Locks: names, Evidence: evs,
		Advice: fmt.Sprintf("Release %s before %s in %s: read or copy the shared state under the lock, unlock, then block.",
			strings.Join(names, ", "), what, location(key)),
	}
}

// releaseWords says what ended b: a goroutine of the program (released),
// the end of another goroutine's I/O on the same file, or the runtime.
func releaseWords(b *gtrace.Block, released bool, ukey findings.Frame) string {
	switch {
	case released:
		return fmt.Sprintf(" Goroutine %d unblocked it from %s.", b.By, location(ukey))
	case ioRelease(b.Unblocker) && b.By >= 0:
		return fmt.Sprintf(" It waited for goroutine %d, in %s, to finish its own I/O on the same file or connection; that I/O waits for no lock of the program, so the two cannot deadlock.", b.By, location(ukey))
	}
	return " The Go runtime ended the wait (a timer, the network poller or a system call), not another goroutine of the program."
}

// programRelease reports whether a goroutine of the program ended b by a
// channel operation or a sync primitive (Unlock, WaitGroup.Done,
// Cond.Signal): only such a goroutine can itself be held up by a lock that
// the blocked one holds. Judged from the unblocking stack of the trace's
// Waiting->Runnable transition: the frames of the runtime at its top, then
// the first frame outside it. A sleep or network wait is ended by the
// runtime's timers and network poller; a wait for a file's or connection's
// own lock (internal/poll) ends when another goroutine's I/O returns, and
// that I/O waits for no lock of the program; a timer's channel send
// (package time) is the runtime's. A loopback connection whose peer
// goroutine takes the lock would be a mixed deadlock, but the trace does
// not name the peer, so network waits are never predicted as one.
func programRelease(b *gtrace.Block) bool {
	if b.By < 0 || b.By == b.G || len(b.Unblocker) == 0 ||
		b.Reason == gtrace.ReasonNetwork || b.Reason == gtrace.ReasonSleep {
		return false
	}
	chanOp := false
	for _, f := range b.Unblocker {
		switch {
		case strings.HasPrefix(f.Func, "runtime."):
			chanOp = chanOp || runtimeChanOp(f.Func)
			continue
		case strings.HasPrefix(f.Func, "sync."), strings.HasPrefix(f.Func, "internal/sync."):
			return true
		case strings.HasPrefix(f.Func, "time."), strings.HasPrefix(f.Func, "internal/poll."),
			strings.HasPrefix(f.Func, "os/signal."):
			return false
		}
		return chanOp
	}
	return false // the runtime's frames only: the scheduler, the poller
}

// runtimeChanOp reports whether fn is the runtime's side of a channel
// operation.
func runtimeChanOp(fn string) bool {
	for _, op := range []string{"runtime.chansend", "runtime.chanrecv", "runtime.closechan",
		"runtime.selectgo", "runtime.selectnb", "runtime.send", "runtime.recv"} {
		if strings.HasPrefix(fn, op) {
			return true
		}
	}
	return false
}

// ioRelease reports whether an unblocking stack is the end of I/O on a
// file or connection: the release of its internal lock.
func ioRelease(st []gtrace.Frame) bool {
	for _, f := range st {
		if strings.HasPrefix(f.Func, "internal/poll.") {
			return true
		}
	}
	return false
}

// blockWords names what a block waited for. A "network" wait of the trace
// is any I/O through the poller, files and pipes included, and a wait for
// a file's own lock while another goroutine writes it.
func blockWords(b *gtrace.Block) string {
	if b.Reason != gtrace.ReasonNetwork {
		return "a " + b.Reason
	}
	for _, f := range b.Stack {
		switch {
		case strings.HasPrefix(f.Func, "os.(*File)."):
			return "I/O on a file or pipe"
		case strings.HasPrefix(f.Func, "net."), strings.HasPrefix(f.Func, "crypto/tls."):
			return "network I/O"
		}
	}
	return "I/O"
}

// unblockerTakes reports whether the goroutine that ended b was seen
// acquiring a lock of class name: it logged a contended wait for the
// class, or a function of its unblocking stack has an acquisition site of
// the class.
func (p *pass) unblockerTakes(pr *proc, src *sources, b *gtrace.Block, name string) bool {
	for _, c := range b.UnblockerLocks {
		if pr.ClassName(event.Lock{Class: c}) == name {
			return true
		}
	}
	fns := map[string][]gtrace.Frame{}
	for _, f := range b.Unblocker {
		k := f.File + "\x00" + funcInFile(f.Func)
		fns[k] = append(fns[k], f)
	}
	for _, s := range p.Model.Sites.Sites {
		if s.Class <= 0 || int(s.Class) >= len(p.Model.Sites.Classes) || !slices.Contains(acquireOps, s.Op) ||
			p.Model.Sites.Classes[s.Class].Name != name {
			continue
		}
		for _, f := range fns[s.Frame.File+"\x00"+funcInFile(s.Frame.Func)] {
			if src.sameFunc(f.File, f.Line, isClosure(f.Func), s.Frame.Line) {
				return true
			}
		}
	}
	return false
}

// sameFunc reports whether line b of file is in the function (or function
// literal, for a closure frame) that runs line a. The site table names a
// closure's sites after the function around it, so a name match alone
// would credit a goroutine with its creator's locks. Unreadable source
// counts as the same function.
func (s *sources) sameFunc(file string, a int, closure bool, b int) bool {
	f := s.file(file)
	if f == nil {
		return true
	}
	pa, pb := f.linePos(a), f.linePos(b)
	if pa == token.NoPos || pb == token.NoPos {
		return true
	}
	if closure {
		pa = f.inLiteral(a, pa)
	}
	return innermostFunc(f.enclosing(pa)) == innermostFunc(f.enclosing(pb))
}

var acquireOps = []string{"Lock", "RLock"}

// closureSuffix matches what the compiler appends to a closure's name:
// .func1, .func2.3 for a literal inside a literal, .gowrap1.
var closureSuffix = regexp.MustCompile(`(\.(func|gowrap)\d+(\.\d+)*)+$`)

// funcInFile names a function within its file, as both the site table and
// stacks can: without its package (package main is "main" in stacks and
// its import path in the site table) and, for a closure, as the function
// it belongs to (the site table names closures' sites so).
func funcInFile(fn string) string {
	fn = closureSuffix.ReplaceAllString(fn, "")
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		fn = fn[i+1:]
	}
	_, name, _ := strings.Cut(fn, ".")
	return name
}
