package analyzer

import (
	"go/ast"
	"go/token"
)

// Where a variable of an access line is declared: the scopes enclosing
// the line, searched innermost first, each for declarations made before
// the line. Only the syntax is read; what cannot be found this way is
// left unnamed.

// declIn finds a declaration of name that scope n makes before the access
// line, and returns its type expression or value (a *ast.BadExpr when it
// has neither, as for range variables).
func (r *resolver) declIn(n ast.Node, name string) (ast.Expr, bool) {
	switch n := n.(type) {
	case *ast.FuncDecl:
		for _, fl := range []*ast.FieldList{n.Recv, n.Type.Params, n.Type.Results} {
			if t := fieldNamed(fl, name); t != nil {
				return t, true
			}
		}
	case *ast.FuncLit:
		for _, fl := range []*ast.FieldList{n.Type.Params, n.Type.Results} {
			if t := fieldNamed(fl, name); t != nil {
				return t, true
			}
		}
	case *ast.BlockStmt:
		return r.stmtsDecl(n.List, name)
	case *ast.CaseClause:
		return r.stmtsDecl(n.Body, name)
	case *ast.CommClause:
		return r.stmtsDecl(n.Body, name)
	case *ast.IfStmt:
		return r.stmtsDecl([]ast.Stmt{n.Init}, name)
	case *ast.ForStmt:
		return r.stmtsDecl([]ast.Stmt{n.Init}, name)
	case *ast.RangeStmt:
		for _, e := range []ast.Expr{n.Key, n.Value} {
			if id, ok := e.(*ast.Ident); ok && id.Name == name {
				return &ast.BadExpr{}, true
			}
		}
	}
	return nil, false
}

// stmtsDecl finds name declared by one of stmts before the access line.
func (r *resolver) stmtsDecl(stmts []ast.Stmt, name string) (ast.Expr, bool) {
	var found ast.Expr
	for _, st := range stmts {
		if st == nil || st.Pos() >= r.pos {
			break
		}
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE {
				continue
			}
			for i, e := range st.Lhs {
				if id, ok := e.(*ast.Ident); ok && id.Name == name {
					found = &ast.BadExpr{}
					if len(st.Rhs) == len(st.Lhs) {
						found = st.Rhs[i]
					}
				}
			}
		case *ast.DeclStmt:
			if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
				if t := specNames(g, name); t != nil {
					found = t
				}
			}
		}
	}
	return found, found != nil
}

// fieldNamed returns the type of the field called name in fl, or nil.
func fieldNamed(fl *ast.FieldList, name string) ast.Expr {
	if fl == nil {
		return nil
	}
	for _, f := range fl.List {
		for _, id := range f.Names {
			if id.Name == name {
				return f.Type
			}
		}
	}
	return nil
}

// specNames returns the type, else the value, of the variable called name
// in a var declaration; a *ast.BadExpr when it has neither; nil when g does
// not declare name.
func specNames(g *ast.GenDecl, name string) ast.Expr {
	for _, sp := range g.Specs {
		vs, ok := sp.(*ast.ValueSpec)
		if !ok {
			continue
		}
		for i, id := range vs.Names {
			switch {
			case id.Name != name:
			case vs.Type != nil:
				return vs.Type
			case i < len(vs.Values):
				return vs.Values[i]
			default:
				return &ast.BadExpr{}
			}
		}
	}
	return nil
}
