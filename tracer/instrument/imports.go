package instrument

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// fixImports blanks the imports the edits left unused and adds the
// runtime's import at the end of the file's last import declaration (or of
// its package clause), on an existing line.
func (fe *fileEdit) fixImports() {
	for _, spec := range fe.file.Imports {
		key := fe.importKey(spec)
		if key == nil || fe.dropped[key] == 0 || fe.uses(key) > fe.dropped[key] {
			continue
		}
		if spec.Name != nil {
			fe.replace(spec.Name, "_")
		} else {
			at := fe.src.offset(spec.Path.Pos())
			fe.edits = append(fe.edits, edit{at, at, "_ "})
		}
	}
	if !fe.needRT {
		return
	}
	at := fe.file.Name.End()
	// In cgo's translation the last import may be one cgo wrote in place
	// of import "C"; right after the package clause is always valid.
	for _, d := range fe.file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && !fe.src.translated() {
			at = gd.End()
		}
	}
	text := "; import " + fe.names.rt + " " + strconv.Quote(fe.names.rtPath)
	off := fe.src.offset(at)
	fe.edits = append(fe.edits, edit{off, off, text})
}

// importKey is the key of dropped for spec: its *types.PkgName,
// or for a dot import the imported package.
func (fe *fileEdit) importKey(spec *ast.ImportSpec) any {
	var obj types.Object
	if spec.Name != nil {
		obj = fe.pkg.TypesInfo.Defs[spec.Name]
	} else {
		obj = fe.pkg.TypesInfo.Implicits[spec]
	}
	pn, ok := obj.(*types.PkgName)
	if !ok {
		return nil
	}
	if spec.Name != nil && spec.Name.Name == "." {
		return pn.Imported()
	}
	return pn
}

// uses counts the file's references through an import: identifiers that
// resolve to the PkgName, or for a dot import unqualified identifiers that
// resolve to the imported package's top-level objects.
func (fe *fileEdit) uses(key any) int {
	info := fe.pkg.TypesInfo
	qualified := map[*ast.Ident]bool{}
	count := 0
	ast.Inspect(fe.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok {
				if _, ok := info.Uses[x].(*types.PkgName); ok {
					qualified[n.Sel] = true
				}
			}
		case *ast.Ident:
			obj := info.Uses[n]
			if pn, ok := obj.(*types.PkgName); ok && pn == key {
				count++
			} else if dot, ok := key.(*types.Package); ok && !qualified[n] && obj != nil &&
				obj.Pkg() == dot && obj.Parent() == dot.Scope() {
				count++
			}
		}
		return true
	})
	return count
}

// isTestFile reports whether name is a _test.go file.
func isTestFile(name string) bool { return strings.HasSuffix(name, "_test.go") }
