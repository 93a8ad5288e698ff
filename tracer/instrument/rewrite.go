package instrument

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"

	"golang.org/x/tools/go/packages"
)

// Import paths the rewriter knows.
const (
	deadlockPath = "github.com/sasha-s/go-deadlock"
)

// fileEdit is the rewrite of one file in progress: the edits so far and
// what they did to the file's imports.
type fileEdit struct {
	pkg      *packages.Package
	file     *ast.File
	src      *source
	names    *names
	mainFunc types.Object // package main's func main, when it is being renamed
	points   *points      // scheduling points, when exploring (explore.go)
	edits    []edit
	needRT   bool
	// dropped counts, per import (its *types.PkgName, or the imported
	// *types.Package for a dot import), the references the edits removed.
	dropped map[any]int
}

func newFileEdit(pkg *packages.Package, file *ast.File, src *source, n *names) *fileEdit {
	fe := &fileEdit{pkg: pkg, file: file, src: src, names: n, dropped: map[any]int{}}
	if pkg.Name == "main" && !isTestFile(src.path) {
		fe.mainFunc, _ = pkg.Types.Scope().Lookup("main").(*types.Func)
	}
	return fe
}

// replace records an edit replacing node n's text.
func (fe *fileEdit) replace(n ast.Node, text string) {
	fe.edits = append(fe.edits, edit{fe.src.offset(n.Pos()), fe.src.offset(n.End()), text})
}

// rewriteFile computes the pass-1 edits of one file: lock types and os.Exit
// to the runtime's, func main renamed, and the imports fixed up.
func (fe *fileEdit) rewriteFile() []edit {
	info := fe.pkg.TypesInfo
	ast.Inspect(fe.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			return fe.selector(n)
		case *ast.Ident:
			obj := info.Uses[n]
			if name, ok := replacement(obj); ok { // a dot-imported name
				fe.replace(n, fe.names.rt+"."+name)
				fe.needRT = true
				fe.dropped[obj.Pkg()]++
			} else if fe.mainFunc != nil && (obj == fe.mainFunc || info.Defs[n] == fe.mainFunc) {
				fe.replace(n, fe.names.userMain)
			}
		}
		return true
	})
	fe.testStarts() // teststart.go
	if fe.points != nil {
		fe.addPoints()
	}
	if len(fe.edits) == 0 {
		return nil
	}
	fe.fixImports()
	return fe.edits
}

// selector rewrites a qualified identifier such as sync.Mutex or os.Exit.
func (fe *fileEdit) selector(sel *ast.SelectorExpr) bool {
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return true
	}
	pn, ok := fe.pkg.TypesInfo.Uses[x].(*types.PkgName)
	if !ok {
		return true
	}
	name, ok := replacement(fe.pkg.TypesInfo.Uses[sel.Sel])
	if !ok {
		return false
	}
	fe.replace(sel, fe.names.rt+"."+name)
	fe.needRT = true
	fe.dropped[pn]++
	return false
}

// replacement returns the runtime's name for obj when obj is one of the
// package-level objects the rewriter replaces: the Mutex and RWMutex types
// of sync and go-deadlock, and os.Exit.
func replacement(obj types.Object) (string, bool) {
	if obj == nil || obj.Pkg() == nil || obj.Parent() != obj.Pkg().Scope() {
		return "", false
	}
	path, name := obj.Pkg().Path(), obj.Name()
	switch obj.(type) {
	case *types.TypeName:
		if (path == "sync" || path == deadlockPath) && (name == "Mutex" || name == "RWMutex") {
			return name, true
		}
	case *types.Func:
		if path == "os" && name == "Exit" {
			return name, true
		}
	}
	return "", false
}

// An edit replaces the bytes [start, end) of a file with text. Edits never
// contain newlines, so a rewritten file keeps every line where it was.
type edit struct {
	start, end int
	text       string
}

// applyEdits returns src with edits applied. Edits at the same offset are
// applied in the order they were given; overlapping edits are an error.
func applyEdits(src []byte, edits []edit) ([]byte, error) {
	sorted := append([]edit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].start < sorted[j].start })
	out := make([]byte, 0, len(src)+64*len(sorted))
	last := 0
	for _, e := range sorted {
		if e.start < last || e.end < e.start || e.end > len(src) {
			return nil, fmt.Errorf("overlapping or out-of-range edit at offset %d", e.start)
		}
		out = append(out, src[last:e.start]...)
		out = append(out, e.text...)
		last = e.end
	}
	return append(out, src[last:]...), nil
}
