package instrument

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// Scheduling points (Config.Explore).
//
// With Config.Explore, every statement of a function body that performs a
// concurrency operation gets a call of the runtime's Point inserted just
// before it, on the same line: "ch <- v" becomes
// "lockscopert.Point(17); ch <- v". The operations are sends, receives,
// close(ch), select and go statements, and calls of the methods of sync's
// (and go-deadlock's) Mutex, RWMutex, WaitGroup, Cond and Once. A for-range
// over a channel also gets a point at the start of its body, before each
// element's work (instead of one before the for). Points go only where a statement may stand: a statement
// that is an if's or switch's init, a for's post, a select case's
// communication or a deferred call gets none of its own (the enclosing
// statement's point, or the select's, comes before it). Function literals
// are searched separately, so a go statement's closure body has its own
// points. Without Config.Explore nothing is inserted.

// Before a Mutex or RWMutex call the point is LockPoint, which the runtime
// perturbs more gently (see lockrt.LockPoint).

// PointSite is one inserted scheduling point: Point(ID) runs just before
// Op at File:Line.
type PointSite struct {
	ID   int32  `json:"id"`
	Op   string `json:"op"` // "send", "receive", "close", "select", "go", "Mutex.Lock", ...
	File string `json:"file"`
	Line int    `json:"line"`
}

// points numbers the scheduling points of one instrumented module.
type points struct {
	sites []PointSite
}

// syncOpTypes are the types whose every method call is a scheduling point.
var syncOpTypes = map[string]bool{"Mutex": true, "RWMutex": true, "WaitGroup": true, "Cond": true, "Once": true}

// addPoints inserts the file's scheduling points. Its edits go first, so
// that an insertion at a statement's start comes before any replacement
// that starts there too (os.Exit).
func (fe *fileEdit) addPoints() {
	type at struct {
		pos token.Pos
		op  string
		sel *ast.SelectStmt // a select to rewrite for case preference
	}
	var found []at
	insert := func(pos token.Pos, op string) { found = append(found, at{pos: pos, op: op}) }
	ast.Inspect(fe.file, func(n ast.Node) bool {
		var list []ast.Stmt
		switch n := n.(type) {
		case *ast.BlockStmt:
			list = n.List
		case *ast.CaseClause:
			list = n.Body
		case *ast.CommClause:
			list = n.Body
		case *ast.RangeStmt:
			if fe.isChan(n.X) && n.Body != nil {
				insert(n.Body.Lbrace+1, "receive")
			}
		}
		for _, s := range list {
			if op := fe.stmtOp(s); op != "" {
				insert(s.Pos(), op)
				found[len(found)-1].sel = selectOf(s)
			}
		}
		return true
	})
	sort.Slice(found, func(i, j int) bool { return found[i].pos < found[j].pos })
	var ins []edit
	for _, a := range found {
		id := int32(len(fe.points.sites) + 1)
		p := fe.pkg.Fset.Position(a.pos)
		fe.points.sites = append(fe.points.sites, PointSite{ID: id, Op: a.op, File: fe.src.path, Line: p.Line})
		off := fe.src.offset(a.pos)
		fn := "Point"
		if strings.HasPrefix(a.op, "Mutex.") || strings.HasPrefix(a.op, "RWMutex.") {
			fn = "LockPoint"
		}
		ins = append(ins, edit{off, off, fmt.Sprintf("%s.%s(%d); ", fe.names.rt, fn, id)})
		if a.sel != nil {
			ins = append(ins, fe.selectEdits(a.sel, id)...)
		}
	}
	if len(ins) > 0 {
		fe.edits = append(ins, fe.edits...)
		fe.needRT = true
	}
}

// stmtOp names the first concurrency operation that statement s performs
// before any statement nested in it, or "" for none.
func (fe *fileEdit) stmtOp(s ast.Stmt) string {
	var parts []ast.Node
	switch s := s.(type) {
	case *ast.LabeledStmt:
		return fe.stmtOp(s.Stmt)
	case *ast.SelectStmt:
		return "select"
	case *ast.GoStmt:
		return "go"
	case *ast.ExprStmt, *ast.SendStmt, *ast.AssignStmt, *ast.IncDecStmt, *ast.ReturnStmt, *ast.DeclStmt:
		parts = []ast.Node{s}
	case *ast.IfStmt:
		parts = []ast.Node{s.Init, s.Cond}
	case *ast.ForStmt:
		parts = []ast.Node{s.Init, s.Cond}
	case *ast.SwitchStmt:
		parts = []ast.Node{s.Init, s.Tag}
	case *ast.TypeSwitchStmt:
		parts = []ast.Node{s.Init, s.Assign}
	case *ast.RangeStmt:
		parts = []ast.Node{s.X} // over a channel: its body's point comes before each element's work
	}
	for _, p := range parts {
		if p == nil {
			continue
		}
		if op := fe.exprOp(p); op != "" {
			return op
		}
	}
	return ""
}

// exprOp names the first concurrency operation in n, outside function
// literals, or "".
func (fe *fileEdit) exprOp(n ast.Node) string {
	op := ""
	ast.Inspect(n, func(n ast.Node) bool {
		if op != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SendStmt:
			op = "send"
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				op = "receive"
			}
		case *ast.CallExpr:
			op = fe.callOp(n)
		}
		return op == ""
	})
	return op
}

// callOp names a call that is a concurrency operation: close of a channel,
// or a method of a sync type ("WaitGroup.Wait"); "" otherwise.
func (fe *fileEdit) callOp(c *ast.CallExpr) string {
	info := fe.pkg.TypesInfo
	switch f := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		if b, ok := info.Uses[f].(*types.Builtin); ok && b.Name() == "close" {
			return "close"
		}
	case *ast.SelectorExpr:
		sel := info.Selections[f]
		if sel == nil || sel.Kind() != types.MethodVal {
			return ""
		}
		fn, ok := sel.Obj().(*types.Func)
		if !ok || fn.Pkg() == nil || (fn.Pkg().Path() != "sync" && fn.Pkg().Path() != deadlockPath) {
			return ""
		}
		recv := fn.Type().(*types.Signature).Recv()
		if recv == nil {
			return ""
		}
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if named, ok := t.(*types.Named); ok && syncOpTypes[named.Obj().Name()] {
			return named.Obj().Name() + "." + fn.Name()
		}
	}
	return ""
}

// isChan reports whether x is of channel type.
func (fe *fileEdit) isChan(x ast.Expr) bool {
	t := fe.pkg.TypesInfo.TypeOf(x)
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Chan)
	return ok
}

// selectOf is the select statement s is, under any labels, or nil.
func selectOf(s ast.Stmt) *ast.SelectStmt {
	for {
		switch x := s.(type) {
		case *ast.LabeledStmt:
			s = x.Stmt
		case *ast.SelectStmt:
			return x
		default:
			return nil
		}
	}
}
