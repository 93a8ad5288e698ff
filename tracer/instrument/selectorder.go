package instrument

import (
	"fmt"
	"go/ast"
	"go/token"
)

// Select-case preference (with Config.Explore; see lockrt's
// selectorder.go). A select that can be rewritten safely becomes, on its
// own lines,
//
//	for sN := rt.SelectStart(N, n); ; { select { case <-sN.Retry(): continue; case v := <-rt.SelectChan(sN, 0, ch): ... }; break }
//
// which tries once with only a preferred case (when the seed's plan says
// so) and otherwise, or after a short wait, exactly as written. It is safe
// only when trying again changes nothing but timing, so a select is left
// alone when it has a default case or fewer than two cases, when an
// operand (a channel, a value sent) could have a side effect or differ on
// a second evaluation (anything but names, field selections, literals and
// empty composite literals), when a case body has an unlabeled continue
// (it would continue the added loop), or when it may be a terminating
// statement (a function ending in it would need a return after the loop).

// selectEdits returns the edits that rewrite sel for preference, with
// point id, or nil when sel is not safe to rewrite.
func (fe *fileEdit) selectEdits(sel *ast.SelectStmt, id int32) []edit {
	if !safeSelect(sel) {
		return nil
	}
	rt, s := fe.names.rt, fmt.Sprintf("%ssel%d", fe.names.rt, id)
	off := fe.src.offset
	n := len(sel.Body.List)
	edits := []edit{
		{off(sel.Pos()), off(sel.Pos()), fmt.Sprintf("for %s := %s.SelectStart(%d, %d); ; { ", s, rt, id, n)},
		{off(sel.Body.Lbrace) + 1, off(sel.Body.Lbrace) + 1, fmt.Sprintf(" case <-%s.Retry(): continue;", s)},
	}
	for k, c := range sel.Body.List {
		ch := commChan(c.(*ast.CommClause).Comm)
		edits = append(edits,
			edit{off(ch.Pos()), off(ch.Pos()), fmt.Sprintf("%s.SelectChan(%s, %d, ", rt, s, k)},
			edit{off(ch.End()), off(ch.End()), ")"})
	}
	return append(edits, edit{off(sel.Body.Rbrace) + 1, off(sel.Body.Rbrace) + 1, "; break }"})
}

// commChan is the channel operand of a select case's communication.
func commChan(s ast.Stmt) ast.Expr {
	switch s := s.(type) {
	case *ast.SendStmt:
		return s.Chan
	case *ast.ExprStmt:
		return recvOperand(s.X)
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			return recvOperand(s.Rhs[0])
		}
	}
	return nil
}

func recvOperand(x ast.Expr) ast.Expr {
	if u, ok := ast.Unparen(x).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u.X
	}
	return nil
}

// safeSelect reports whether sel may be rewritten (see above).
func safeSelect(sel *ast.SelectStmt) bool {
	if len(sel.Body.List) < 2 {
		return false
	}
	ends := 0
	for _, c := range sel.Body.List {
		cc := c.(*ast.CommClause)
		ch := commChan(cc.Comm)
		if cc.Comm == nil || ch == nil || !pure(ch) {
			return false
		}
		if send, ok := cc.Comm.(*ast.SendStmt); ok && !pure(send.Value) {
			return false
		}
		if hasBareContinue(cc.Body) {
			return false
		}
		if len(cc.Body) > 0 && mayTerminate(cc.Body[len(cc.Body)-1]) {
			ends++
		}
	}
	return ends < len(sel.Body.List)
}

// pure reports whether evaluating x twice gives the same value with no
// side effect.
func pure(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.SelectorExpr:
		return pure(x.X)
	case *ast.ParenExpr:
		return pure(x.X)
	case *ast.CompositeLit:
		return len(x.Elts) == 0
	}
	return false
}

// hasBareContinue reports whether stmts have an unlabeled continue outside
// function literals.
func hasBareContinue(stmts []ast.Stmt) bool {
	found := false
	for _, s := range stmts {
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BranchStmt:
				found = found || n.Tok == token.CONTINUE && n.Label == nil
			}
			return !found
		})
	}
	return found
}

// mayTerminate reports whether s may be a terminating statement, erring
// on the side of yes.
func mayTerminate(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.GOTO
	case *ast.ForStmt:
		return s.Cond == nil
	case *ast.ExprStmt:
		c, ok := s.X.(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := ast.Unparen(c.Fun).(*ast.Ident)
		return ok && id.Name == "panic"
	}
	return false
}
