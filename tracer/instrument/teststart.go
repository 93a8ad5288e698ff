package instrument

import (
	"go/ast"
	"go/types"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// testStarts adds, in a _test.go file, a call of the runtime's TestStart
// right after the opening brace of every test function (func TestXxx(t
// *testing.T)) and of every function literal passed to t.Run, on the
// brace's own line: "{lockscopert.TestStart(t);". The runtime then labels
// the test's goroutines and reports those it leaves blocked. Tests whose
// *testing.T parameter has no name (or is _) are left alone. Every example
// function (func ExampleXxx()) gets "{defer lockscopert.ExampleStart(
// "ExampleXxx")();": an example has no *testing.T, so the runtime labels
// its goroutines and checks them for leaks when it returns.
func (fe *fileEdit) testStarts() {
	if !isTestFile(fe.src.path) || fe.src.translated() {
		return
	}
	for _, d := range fe.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Body == nil {
			continue
		}
		switch name := fd.Name.Name; {
		case isTestName(name, "Test"):
			fe.startAt(fd.Type, fd.Body)
		case isTestName(name, "Example") && fd.Type.Params.NumFields() == 0 && fd.Type.Results.NumFields() == 0:
			at := fe.src.offset(fd.Body.Lbrace) + 1
			fe.edits = append(fe.edits, edit{at, at, "defer " + fe.names.rt + ".ExampleStart(" + strconv.Quote(name) + ")();"})
			fe.needRT = true
		}
	}
	ast.Inspect(fe.file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 || !fe.isTRun(call) {
			return true
		}
		if lit, ok := call.Args[1].(*ast.FuncLit); ok {
			fe.startAt(lit.Type, lit.Body)
		}
		return true
	})
}

// startAt inserts the TestStart call into body when ft takes exactly one
// named *testing.T.
func (fe *fileEdit) startAt(ft *ast.FuncType, body *ast.BlockStmt) {
	ps := ft.Params.List
	if len(ps) != 1 || len(ps[0].Names) != 1 || ps[0].Names[0].Name == "_" || !isTestingT(fe.pkg.TypesInfo.TypeOf(ps[0].Type)) {
		return
	}
	at := fe.src.offset(body.Lbrace) + 1
	fe.edits = append(fe.edits, edit{at, at, fe.names.rt + ".TestStart(" + ps[0].Names[0].Name + ");"})
	fe.needRT = true
}

// isTRun reports whether call is a call of (*testing.T).Run.
func (fe *fileEdit) isTRun(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Run" {
		return false
	}
	s := fe.pkg.TypesInfo.Selections[sel]
	return s != nil && isTestingT(s.Recv())
}

// isTestingT reports whether t is *testing.T.
func isTestingT(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "testing" && n.Obj().Name() == "T"
}

// isTestName reports whether name is a test (prefix "Test") or example
// (prefix "Example") function's name as go test sees it: the prefix, then
// nothing or a rune that is not lower case.
func isTestName(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || name == "TestMain" {
		return false
	}
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLower(r)
}
