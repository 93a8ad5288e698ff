package analyzer

import (
	"go/ast"
	"go/token"
	"sort"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer/event"
)

// The race detector keeps no lock history, and the instrumented locks
// record stacks only for new lock-order edges, so the locks an access held
// are derived statically from its stack and the site table. For each frame
// of the access's stack in the target's code, a lock counts as held at the
// frame's line when a Lock or RLock call site of the same function comes
// before that line, in a block that encloses the line, and no Unlock (or
// RUnlock) of the same class comes between them in such a block. A
// deferred Unlock keeps the lock held to the function's end. The locks of
// all frames are joined: a caller's lock is held across the call.
//
// It is a per-function approximation: it does not follow loops, gotos or
// which instance of a class was locked, and a lock taken in a callee that
// returned still holding it is not seen.

// heldLock is one lock held at an access.
type heldLock struct {
	Name string // the class name, "Cache.mu"
	Read bool   // held only in read mode
	RW   bool   // the class is an RWMutex
}

// lockSites indexes the site table's sites by file.
type lockSites map[string][]event.Site

func newLockSites(t *event.SiteTable) lockSites {
	by := lockSites{}
	if t == nil {
		return by
	}
	for _, s := range t.Sites {
		if s.ID > 0 && s.Class > 0 && int(s.Class) < len(t.Classes) {
			by[s.Frame.File] = append(by[s.Frame.File], s)
		}
	}
	for _, ss := range by {
		sort.Slice(ss, func(i, j int) bool { return ss[i].Frame.Line < ss[j].Frame.Line })
	}
	return by
}

// held returns the locks held at an access with stack st, sorted by name.
func (s *sources) held(st []findings.Frame, sites lockSites, table *event.SiteTable) []heldLock {
	all := map[string]heldLock{}
	for _, fr := range st {
		if len(sites[fr.File]) == 0 {
			continue
		}
		f := s.file(fr.File)
		if f == nil {
			continue
		}
		for _, h := range f.heldAt(fr.Line, isClosure(fr.Func), sites[fr.File], table) {
			if prev, ok := all[h.Name]; !ok || (prev.Read && !h.Read) {
				all[h.Name] = h
			}
		}
	}
	out := make([]heldLock, 0, len(all))
	for _, k := range sortedKeys(all) {
		out = append(out, all[k])
	}
	return out
}

// heldAt returns the locks one function holds at line, from its sites.
// closure says the frame runs in a function literal, which may start in
// the middle of line (go func() { ...; mu.Unlock() }()): its locks are its
// own, not those of the function around it.
func (f *srcFile) heldAt(line int, closure bool, sites []event.Site, table *event.SiteTable) []heldLock {
	pos := f.linePos(line)
	if pos == token.NoPos {
		return nil
	}
	if closure {
		pos = f.inLiteral(line, pos)
	}
	fn := innermostFunc(f.enclosing(pos))
	if fn == nil {
		return nil
	}
	held := map[int32]heldLock{}
	var order []int32
	for _, site := range sites {
		if site.Frame.Line >= line {
			break
		}
		call, path := f.lockCall(site)
		if call == nil || innermostFunc(path) != fn {
			continue
		}
		blk := innermostBlock(path)
		if blk == nil || pos < blk.Pos() || pos >= blk.End() {
			continue // on another path: an early return's Unlock, a loop body's Lock
		}
		deferred := len(path) >= 2 && isDefer(path[len(path)-2])
		cls := table.Classes[site.Class]
		switch site.Op {
		case "Lock", "TryLock":
			held[site.Class] = heldLock{Name: cls.Name, RW: cls.RW}
			order = append(order, site.Class)
		case "RLock", "TryRLock":
			if h, ok := held[site.Class]; !ok || h.Read {
				held[site.Class] = heldLock{Name: cls.Name, Read: true, RW: true}
				order = append(order, site.Class)
			}
		case "Unlock", "RUnlock":
			if h, ok := held[site.Class]; ok && !deferred && h.Read == (site.Op == "RUnlock") {
				delete(held, site.Class)
			}
		}
	}
	var out []heldLock
	for _, c := range order {
		if h, ok := held[c]; ok {
			out = append(out, h)
			delete(held, c)
		}
	}
	return out
}

// isClosure reports whether fn is the runtime's name for a function
// literal: F.func1, F.func2.3, F.gowrap1 (see closureSuffix).
func isClosure(fn string) bool { return closureSuffix.MatchString(fn) }

// inLiteral moves pos, the start of line, into the body of the innermost
// function literal that starts on line, when pos itself is not in one.
func (f *srcFile) inLiteral(line int, pos token.Pos) token.Pos {
	if _, ok := innermostFunc(f.enclosing(pos)).(*ast.FuncLit); ok {
		return pos
	}
	best := pos
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if n == nil || f.line(n.Pos()) > line || f.line(n.End()) < line {
			return false
		}
		if lit, ok := n.(*ast.FuncLit); ok && f.line(lit.Body.Lbrace) == line {
			best = lit.Body.Lbrace + 1
		}
		return true
	})
	return best
}

func isDefer(n ast.Node) bool {
	_, ok := n.(*ast.DeferStmt)
	return ok
}

// lockCall finds the call of a site's method on its line and the nodes
// enclosing it, outermost first, the call last.
func (f *srcFile) lockCall(site event.Site) (*ast.CallExpr, []ast.Node) {
	var call *ast.CallExpr
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if call != nil || n == nil || f.line(n.Pos()) > site.Frame.Line || f.line(n.End()) < site.Frame.Line {
			return false
		}
		if ce, ok := n.(*ast.CallExpr); ok {
			if sel, ok := ce.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == site.Op && f.line(sel.Sel.Pos()) == site.Frame.Line {
				call = ce
				return false
			}
		}
		return true
	})
	if call == nil {
		return nil, nil
	}
	path := f.enclosing(call.Pos())
	for len(path) > 0 && path[len(path)-1] != ast.Node(call) {
		path = path[:len(path)-1] // the call's own children
	}
	return call, path
}
