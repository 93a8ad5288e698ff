package instrument

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/packages"

	"github.com/lockscope/lockscope/tracer/event"
)

// The kinds of lock class.
const (
	kindField = "field"
	kindVar   = "var"
	kindLocal = "local"
	kindSite  = "site"
)

// classDraft is a lock class before IDs are assigned.
type classDraft struct {
	name, key, kind string
	pkgName         string // package of the declaration, to tell equal names apart
	rw              bool
	decl            event.Frame
}

// namer names the lock of one call, in the function fn ("Type.Method",
// "func", or "init" for package-level initializers) at position at.
type namer struct {
	pkg *packages.Package
	rt  string // import path of the lock runtime
	fn  string
	at  token.Pos
}

// lockCall names the lock whose method sel selects. ok is false unless the
// method belongs to the runtime's Mutex or RWMutex, directly or promoted
// through embedded fields.
func (nm *namer) lockCall(sel *ast.SelectorExpr) (cls *classDraft, ok bool) {
	s := nm.pkg.TypesInfo.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return nil, false
	}
	idx := s.Index()
	cls, cur := nm.walk(sel.X, s.Recv(), idx[:len(idx)-1], true)
	rw, ok := lockType(cur, nm.rt)
	if !ok {
		return nil, false
	}
	if cls == nil {
		cls = nm.expr(sel.X)
	}
	cls.rw = rw
	return cls, true
}

// walk follows the field indices path from the type t of base. It returns
// the class of the last field it stepped through (nil if none) and the type
// reached. With stopAtLock it stops at the first runtime lock type.
func (nm *namer) walk(base ast.Expr, t types.Type, path []int, stopAtLock bool) (*classDraft, types.Type) {
	var cls *classDraft
	for _, i := range path {
		if _, isLock := lockType(t, nm.rt); isLock && stopAtLock {
			break
		}
		holder := deref(t)
		st, ok := holder.Underlying().(*types.Struct)
		if !ok {
			break
		}
		f := st.Field(i)
		cls = nm.field(holder, f, base, cls)
		t = f.Type()
	}
	return cls, t
}

// field names field f of holder: "Type.field" when holder is a named type,
// else the name of what holds it (prev, or base's class) plus ".field".
func (nm *namer) field(holder types.Type, f *types.Var, base ast.Expr, prev *classDraft) *classDraft {
	decl := nm.frame(f.Pos(), "")
	if n, ok := types.Unalias(holder).(*types.Named); ok && n.Obj().Pkg() != nil {
		obj := n.Origin().Obj()
		name := obj.Name() + "." + f.Name()
		return &classDraft{name: name, key: obj.Pkg().Path() + "." + name, kind: kindField, pkgName: obj.Pkg().Name(), decl: decl}
	}
	if prev == nil {
		prev = nm.expr(base)
	}
	return &classDraft{name: prev.name + "." + f.Name(), key: prev.key + "." + f.Name(), kind: prev.kind, pkgName: prev.pkgName, decl: decl}
}

// expr names the lock that expression e denotes or points to.
func (nm *namer) expr(e ast.Expr) *classDraft {
	info := nm.pkg.TypesInfo
	switch e := unwrap(e).(type) {
	case *ast.Ident:
		if v, ok := info.Uses[e].(*types.Var); ok && !v.IsField() {
			return nm.variable(v)
		}
	case *ast.SelectorExpr:
		if s := info.Selections[e]; s != nil && s.Kind() == types.FieldVal {
			if cls, _ := nm.walk(e.X, s.Recv(), s.Index(), false); cls != nil {
				return cls
			}
		}
		if v, ok := info.Uses[e.Sel].(*types.Var); ok && !v.IsField() {
			return nm.variable(v) // a qualified package variable
		}
	case *ast.IndexExpr:
		if cls := nm.expr(e.X); cls.kind != kindSite {
			return cls // an element of a named slice, array or map
		}
	}
	return nm.site()
}

// variable names a package variable "pkg.var" and a local "Func.var".
func (nm *namer) variable(v *types.Var) *classDraft {
	pkg := v.Pkg()
	decl := nm.frame(v.Pos(), "")
	if v.Parent() == pkg.Scope() {
		name := pkg.Name() + "." + v.Name()
		return &classDraft{name: name, key: pkg.Path() + "." + v.Name(), kind: kindVar, pkgName: pkg.Name(), decl: decl}
	}
	name := nm.fn + "." + v.Name()
	key := pkg.Path() + "." + name + "@" + decl.File + ":" + strconv.Itoa(decl.Line) + ":" +
		strconv.Itoa(nm.pkg.Fset.Position(v.Pos()).Column)
	return &classDraft{name: name, key: key, kind: kindLocal, pkgName: pkg.Name(), decl: decl}
}

// site names a lock that has no better name after its call site, "Func:line".
func (nm *namer) site() *classDraft {
	decl := nm.frame(nm.at, "")
	name := nm.fn + ":" + strconv.Itoa(decl.Line)
	key := nm.pkg.PkgPath + "." + nm.fn + "@" + decl.File + ":" + strconv.Itoa(decl.Line)
	return &classDraft{name: name, key: key, kind: kindSite, pkgName: nm.pkg.Name, decl: decl}
}

// frame is the position pos as a Frame in function fn.
func (nm *namer) frame(pos token.Pos, fn string) event.Frame {
	p := nm.pkg.Fset.Position(pos)
	return event.Frame{Func: fn, File: p.Filename, Line: p.Line}
}

// lockType reports whether t is, or points to, the Mutex or RWMutex of the
// runtime at import path rt, and which.
func lockType(t types.Type, rt string) (rw, ok bool) {
	n, isNamed := types.Unalias(deref(t)).(*types.Named)
	if !isNamed || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != rt {
		return false, false
	}
	switch n.Obj().Name() {
	case "Mutex":
		return false, true
	case "RWMutex":
		return true, true
	}
	return false, false
}

// deref strips aliases and one pointer.
func deref(t types.Type) types.Type {
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		return types.Unalias(p.Elem())
	}
	return t
}

// unwrap strips parentheses, & and *.
func unwrap(e ast.Expr) ast.Expr {
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.UnaryExpr:
			if x.Op != token.AND {
				return e
			}
			e = x.X
		default:
			return e
		}
	}
}
