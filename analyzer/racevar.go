package analyzer

import (
	"go/ast"
	"go/token"
	"strings"
)

// A raced variable is named from the source at the access lines, without
// type checking: the field selectors, package variables and captured
// variables written on that line, typed by a few syntactic rules (a
// receiver, a parameter, a composite literal, a constructor's result, a
// struct field). What cannot be typed keeps its expression ("x.f").

// varCand is one variable an access line may be touching.
type varCand struct {
	name  string // "Counter.hits", "main.cache", "main.total", or "x.f" unresolved
	typed bool   // name is resolved, not expression text
	lhs   bool   // assigned or incremented on the line
	local bool   // a variable of the access's own function
}

// candidates returns the variables the code at line touches, in source
// order.
func (s *sources) candidates(f *srcFile, line int) []varCand {
	pos := f.linePos(line)
	if pos == token.NoPos {
		return nil
	}
	path := f.enclosing(pos)
	fn := innermostFunc(path)
	r := &resolver{s: s, f: f, path: path, pos: pos}
	var out []varCand
	lhs := map[ast.Expr]bool{}
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if n == nil || f.line(n.End()) < line || f.line(n.Pos()) > line {
			return n != nil && f.line(n.Pos()) <= line
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, e := range n.Lhs {
				lhs[root(e)] = true
			}
		case *ast.IncDecStmt:
			lhs[root(n.X)] = true
		case *ast.FieldList:
			return false // declarations, not accesses
		case *ast.CallExpr:
			if _, ok := n.Fun.(*ast.FuncLit); ok {
				return true // a closure called in place: look inside
			}
			// the function called is not a variable; its arguments are
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				ast.Inspect(sel.X, func(m ast.Node) bool { return visitExpr(m, &out, r, lhs, fn, f, line) })
			}
			for _, a := range n.Args {
				ast.Inspect(a, func(m ast.Node) bool { return visitExpr(m, &out, r, lhs, fn, f, line) })
			}
			return false
		}
		return visitExpr(n, &out, r, lhs, fn, f, line)
	})
	return out
}

// visitExpr adds the variable n names, if it is one on line, and says
// whether to look inside n.
func visitExpr(n ast.Node, out *[]varCand, r *resolver, lhs map[ast.Expr]bool, fn ast.Node, f *srcFile, line int) bool {
	if cl, ok := n.(*ast.CompositeLit); ok {
		// a literal's keyed fields on the line are written by it
		for _, el := range cl.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if key, ok := kv.Key.(*ast.Ident); ok && f.line(kv.Pos()) == line && typeName(cl.Type) != "" {
				*out = append(*out, varCand{name: typeName(cl.Type) + "." + key.Name, typed: true, lhs: true})
			}
		}
	}
	e, ok := n.(ast.Expr)
	if !ok || f.line(n.Pos()) != line {
		return true
	}
	switch x := e.(type) {
	case *ast.SelectorExpr:
		if c, ok := r.selector(x); ok {
			c.lhs = lhs[x]
			*out = append(*out, c)
		}
		return false // the chain is one variable, its last field
	case *ast.Ident:
		if c, ok := r.ident(x, fn); ok {
			c.lhs = lhs[x]
			*out = append(*out, c)
		}
	case *ast.KeyValueExpr:
		ast.Inspect(x.Value, func(m ast.Node) bool { return visitExpr(m, out, r, lhs, fn, f, line) })
		return false
	}
	return true
}

// root strips index and star expressions: what "m[k] = v" and "*p = v"
// assign to.
func root(e ast.Expr) ast.Expr {
	for {
		switch x := e.(type) {
		case *ast.IndexExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return e
		}
	}
}

// resolver types the expressions of one access line.
type resolver struct {
	s    *sources
	f    *srcFile
	path []ast.Node // enclosing the line, outermost first
	pos  token.Pos
}

// selector names x.f after the type of x, or after the package x names.
func (r *resolver) selector(x *ast.SelectorExpr) (varCand, bool) {
	text := exprText(x)
	if id, ok := x.X.(*ast.Ident); ok && r.isImport(id.Name) {
		return varCand{name: id.Name + "." + x.Sel.Name, typed: true}, true
	}
	if t := r.typeOf(x.X, 0); t != "" {
		return varCand{name: t + "." + x.Sel.Name, typed: true}, true
	}
	return varCand{name: text}, text != ""
}

// ident names a package variable "pkg.v" or a captured variable "Func.v";
// a variable of the line's own function is marked local.
func (r *resolver) ident(id *ast.Ident, fn ast.Node) (varCand, bool) {
	if id.Name == "_" || id.Name == "nil" || id.Name == "true" || id.Name == "false" {
		return varCand{}, false
	}
	for i := len(r.path) - 1; i >= 0; i-- {
		if _, ok := r.declIn(r.path[i], id.Name); ok {
			fd := funcDecl(r.path)
			name := id.Name
			if fd != nil {
				name = declName(fd) + "." + id.Name
			}
			_, loop := r.path[i].(*ast.RangeStmt)
			if _, ok := r.path[i].(*ast.ForStmt); ok {
				loop = true // a loop variable: one per iteration since Go 1.22
			}
			return varCand{name: name, typed: true, local: loop || innermostFunc(r.path[:i+1]) == fn}, true
		}
	}
	for _, pf := range r.s.pkgFiles(r.f) {
		for _, d := range pf.ast.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR && specNames(g, id.Name) != nil {
				return varCand{name: pf.ast.Name.Name + "." + id.Name, typed: true}, true
			}
		}
	}
	return varCand{}, false // a constant, type, function or builtin
}

func (r *resolver) isImport(name string) bool {
	for _, im := range r.f.ast.Imports {
		p := strings.Trim(im.Path.Value, `"`)
		if (im.Name != nil && im.Name.Name == name) || (im.Name == nil && p[strings.LastIndex(p, "/")+1:] == name) {
			return true
		}
	}
	return false
}

// typeOf names the type of e, or "". depth bounds field chains.
func (r *resolver) typeOf(e ast.Expr, depth int) string {
	if depth > 4 {
		return ""
	}
	switch x := e.(type) {
	case *ast.ParenExpr:
		return r.typeOf(x.X, depth+1)
	case *ast.StarExpr:
		return r.typeOf(x.X, depth+1)
	case *ast.Ident:
		for i := len(r.path) - 1; i >= 0; i-- {
			if t, ok := r.declIn(r.path[i], x.Name); ok {
				return r.exprType(t, depth)
			}
		}
		for _, pf := range r.s.pkgFiles(r.f) {
			for _, d := range pf.ast.Decls {
				if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
					if t := specNames(g, x.Name); t != nil {
						return r.exprType(t, depth)
					}
				}
			}
		}
	case *ast.SelectorExpr:
		if t := r.typeOf(x.X, depth+1); t != "" {
			return r.fieldType(t, x.Sel.Name)
		}
	}
	return ""
}

// exprType names the type of a declaration's type expression or value.
func (r *resolver) exprType(e ast.Expr, depth int) string {
	switch x := e.(type) {
	case *ast.UnaryExpr:
		return r.exprType(x.X, depth)
	case *ast.CompositeLit:
		return typeName(x.Type)
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "new" && len(x.Args) == 1 {
			return typeName(x.Args[0])
		}
		return r.resultType(x.Fun)
	case *ast.Ident, *ast.StarExpr, *ast.SelectorExpr, *ast.IndexExpr:
		if id, ok := x.(*ast.Ident); ok {
			if t := typeName(id); t != "" && r.isType(t) {
				return t
			}
			return r.typeOf(id, depth+1)
		}
		return typeName(x)
	}
	return ""
}

// resultType names the first result type of the package function fn.
func (r *resolver) resultType(fn ast.Expr) string {
	id, ok := fn.(*ast.Ident)
	if !ok {
		return ""
	}
	for _, pf := range r.s.pkgFiles(r.f) {
		for _, d := range pf.ast.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == id.Name &&
				fd.Type.Results != nil && len(fd.Type.Results.List) > 0 {
				return typeName(fd.Type.Results.List[0].Type)
			}
		}
	}
	return ""
}

// typeSpec returns the declaration of the package type called name, or nil.
func (r *resolver) typeSpec(name string) *ast.TypeSpec {
	for _, pf := range r.s.pkgFiles(r.f) {
		for _, d := range pf.ast.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, sp := range g.Specs {
				if ts := sp.(*ast.TypeSpec); ts.Name.Name == name {
					return ts
				}
			}
		}
	}
	return nil
}

func (r *resolver) isType(name string) bool { return r.typeSpec(name) != nil }

// fieldType names the type of field f of the struct type t, or "".
func (r *resolver) fieldType(t, f string) string {
	ts := r.typeSpec(t)
	if ts == nil {
		return ""
	}
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return ""
	}
	if ft := fieldNamed(st.Fields, f); ft != nil {
		return typeName(ft)
	}
	return ""
}

// exprText prints a chain of selectors ("s.stats.count"), or "".
func exprText(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		if l := exprText(x.X); l != "" {
			return l + "." + x.Sel.Name
		}
	}
	return ""
}
