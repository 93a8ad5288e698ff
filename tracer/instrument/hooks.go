package instrument

import (
	"fmt"
	"go/ast"
	"go/types"
	"os"
	"path/filepath"
	"strconv"

	"github.com/lockscope/lockscope/tracer/event"
	"golang.org/x/tools/go/packages"
)

// names are the identifiers the rewrite introduces, chosen so that none
// collides with an identifier of the main module.
type names struct {
	rt       string // import name of the runtime package
	rtPath   string // import path of the runtime package
	userMain string // new name of package main's func main
	testing  string // import name of package testing in added TestMain files
}

// pickNames chooses names no main-module file uses.
func pickNames(pkgs []*packages.Package, rtPath string) *names {
	used := map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					used[id.Name] = true
				}
				return true
			})
		}
	}
	unique := func(base string) string {
		name := base
		for i := 1; used[name]; i++ {
			name = base + strconv.Itoa(i)
		}
		used[name] = true
		return name
	}
	return &names{rtPath: rtPath, rt: unique("lockscopert"), userMain: unique(event.UserMain), testing: unique("lockscopetesting")}
}

// mainHook returns the file that becomes package main's entry point: it
// runs the renamed user main under the runtime, which records the final
// snapshot when main returns or calls os.Exit.
func (n *names) mainHook() []byte {
	return fmt.Appendf(nil, "package main\n\nimport %s %q\n\nfunc main() { %s.Main(%s) }\n",
		n.rt, n.rtPath, n.rt, n.userMain)
}

// testMainHook returns a TestMain for package pkgName that exits through
// the runtime.
func (n *names) testMainHook(pkgName string) []byte {
	return fmt.Appendf(nil, "package %s\n\nimport (\n\t%s \"testing\"\n\n\t%s %q\n)\n\n"+
		"func TestMain(m *%s.M) { %s.Exit(m.Run()) }\n",
		pkgName, n.testing, n.rt, n.rtPath, n.testing, n.rt)
}

// hooks returns the files to add, by the path they take in the package
// directory: a main wrapper for each main package with a func main, and a
// TestMain for each tested package that has none.
func (rw *rewrite) hooks(pkgs []*packages.Package) map[string][]byte {
	added := map[string][]byte{}
	testName := map[string]string{} // tested path -> package name for its TestMain
	hasTestMain := map[string]bool{}
	testDir := map[string]string{}
	for _, p := range pkgs {
		t := forTest(p.ID)
		switch {
		case t == "" && p.Name == "main" && hasMainFunc(p):
			added[rw.newFile(pkgDir(p), "zz_lockscope_main.go")] = rw.names.mainHook()
		case t != "" && rw.g.tested[t] && (p.PkgPath == t || isXTest(p)):
			if testFuncDecl(p, "TestMain") {
				hasTestMain[t] = true
			}
			if _, ok := testName[t]; !ok || p.PkgPath == t {
				testName[t], testDir[t] = p.Name, pkgDir(p)
			}
		}
	}
	for _, t := range sortedKeys(rw.g.tested) {
		if name, ok := testName[t]; ok && !hasTestMain[t] {
			added[rw.newFile(testDir[t], "zz_lockscope_test.go")] = rw.names.testMainHook(name)
		}
	}
	return added
}

// hasMainFunc reports whether a main package declares func main.
func hasMainFunc(p *packages.Package) bool {
	_, ok := p.Types.Scope().Lookup("main").(*types.Func)
	return ok
}

// testFuncDecl reports whether a _test.go file of p declares func name.
func testFuncDecl(p *packages.Package, name string) bool {
	for _, f := range p.Syntax {
		if !isTestFile(p.Fset.File(f.Pos()).Name()) {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
				return true
			}
		}
	}
	return false
}

// newFile returns a path for a file named base in dir that no existing or
// added file has.
func (rw *rewrite) newFile(dir, base string) string {
	ext := filepath.Ext(base)
	stem := base[:len(base)-len(ext)]
	if isTestFile(base) {
		stem, ext = base[:len(base)-len("_test.go")], "_test.go"
	}
	for i := 0; ; i++ {
		name := base
		if i > 0 {
			name = stem + strconv.Itoa(i) + ext
		}
		path := filepath.Join(dir, name)
		if _, err := os.Lstat(path); err != nil && rw.contents[path] == nil {
			return path
		}
	}
}

// pkgDir is the directory of p's files.
func pkgDir(p *packages.Package) string {
	if len(p.GoFiles) > 0 {
		return filepath.Dir(p.GoFiles[0])
	}
	return filepath.Dir(p.Fset.File(p.Syntax[0].Pos()).Name())
}
