package analyzer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// Bounds on the source the data-race check reads: it parses the files of
// the accesses' own packages only, and gives up on anything larger.
const (
	maxRaceSourceSize = 1 << 20 // bytes
	maxRaceSources    = 200     // files parsed per analysis
)

// sources parses the target's Go files on demand, each once. Files outside
// the target's module (the standard library, dependencies) are not read.
type sources struct {
	module string // module root; "" allows any file
	files  map[string]*srcFile
	dirs   map[string][]*srcFile
}

// srcFile is one parsed file; ast is nil when it could not be read.
type srcFile struct {
	path  string
	fset  *token.FileSet
	ast   *ast.File
	tok   *token.File
	lines []string
}

func newSources(module string) *sources {
	return &sources{module: module, files: map[string]*srcFile{}, dirs: map[string][]*srcFile{}}
}

// file returns the parsed file at path, or nil.
func (s *sources) file(path string) *srcFile {
	if f, ok := s.files[path]; ok {
		return f
	}
	var f *srcFile
	if s.readable(path) {
		f = parseSource(path)
	}
	s.files[path] = f
	return f
}

func (s *sources) readable(path string) bool {
	if !strings.HasSuffix(path, ".go") || len(s.files) >= maxRaceSources {
		return false
	}
	return s.module == "" || strings.HasPrefix(path, strings.TrimSuffix(s.module, "/")+"/")
}

func parseSource(path string) *srcFile {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() > maxRaceSourceSize {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	f := &srcFile{path: path, fset: token.NewFileSet(), lines: strings.Split(string(data), "\n")}
	f.ast, err = parser.ParseFile(f.fset, path, data, parser.SkipObjectResolution)
	if f.ast == nil {
		return nil
	}
	_ = err // a partial tree still names what it can
	f.tok = f.fset.File(f.ast.Pos())
	return f
}

// pkgFiles returns the parsed files of the directory of f, f first.
func (s *sources) pkgFiles(f *srcFile) []*srcFile {
	dir := filepath.Dir(f.path)
	if fs, ok := s.dirs[dir]; ok {
		return fs
	}
	out := []*srcFile{f}
	names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, n := range names {
		if g := s.file(n); g != nil && g != f && g.ast.Name.Name == f.ast.Name.Name {
			out = append(out, g)
		}
	}
	s.dirs[dir] = out
	return out
}

// code returns the source line, trimmed, or "".
func (f *srcFile) code(line int) string {
	if f == nil || line < 1 || line > len(f.lines) {
		return ""
	}
	return strings.TrimSpace(f.lines[line-1])
}

// linePos is the position of the first non-blank character of line, or
// token.NoPos.
func (f *srcFile) linePos(line int) token.Pos {
	if line < 1 || line > f.tok.LineCount() || line > len(f.lines) {
		return token.NoPos
	}
	l := f.lines[line-1]
	indent := len(l) - len(strings.TrimLeft(l, " \t"))
	return f.tok.LineStart(line) + token.Pos(indent)
}

func (f *srcFile) line(p token.Pos) int { return f.tok.Line(p) }

// enclosing returns the nodes that contain pos, outermost first.
func (f *srcFile) enclosing(pos token.Pos) []ast.Node {
	var path []ast.Node
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if n == nil || pos < n.Pos() || pos >= n.End() {
			return false
		}
		path = append(path, n)
		return true
	})
	return path
}

// innermostFunc returns the innermost function (a *ast.FuncDecl or
// *ast.FuncLit) of path, or nil.
func innermostFunc(path []ast.Node) ast.Node {
	for i := len(path) - 1; i >= 0; i-- {
		switch path[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return path[i]
		}
	}
	return nil
}

// innermostBlock returns the innermost block of path: a block statement
// or a case or select clause, or nil.
func innermostBlock(path []ast.Node) ast.Node {
	for i := len(path) - 1; i >= 0; i-- {
		switch path[i].(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			return path[i]
		}
	}
	return nil
}

// funcDecl returns the top-level function of path, or nil.
func funcDecl(path []ast.Node) *ast.FuncDecl {
	for _, n := range path {
		if fd, ok := n.(*ast.FuncDecl); ok {
			return fd
		}
	}
	return nil
}

// declName names a function declaration as the site table does:
// "Type.Method" or "func".
func declName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	if t := typeName(fd.Recv.List[0].Type); t != "" {
		return t + "." + fd.Name.Name
	}
	return fd.Name.Name
}

// typeName names the named type an expression of type t refers to: T for
// T, *T, pkg.T and T[int]; "" for unnamed types.
func typeName(t ast.Expr) string {
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.SelectorExpr:
			return x.Sel.Name
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}
