package instrument

import (
	"fmt"
	"go/ast"
	"sort"
	"strconv"

	"golang.org/x/tools/go/packages"

	"github.com/lockscope/lockscope/tracer/event"
)

// acquireOps are the lock methods that get a site-passing variant; the
// others (Unlock, RUnlock) are recorded but keep their call.
var acquireOps = map[string]bool{"Lock": true, "TryLock": true, "RLock": true, "TryRLock": true}

var lockOps = map[string]bool{"Lock": true, "Unlock": true, "TryLock": true, "RLock": true, "RUnlock": true, "TryRLock": true}

// call is one lock method call found in the rewritten code.
type call struct {
	path   string // original file path
	off    int    // offset of the call in the rewritten file
	op     string
	selEnd int // offset just after the method name
	rparen int // offset of the closing parenthesis
	cls    *classDraft
	frame  event.Frame
	site   event.Site
}

// instrumentCalls finds the lock calls of the type-checked rewritten
// packages, builds the site table and rewrites acquisitions to pass sites.
func (rw *rewrite) instrumentCalls(pkgs []*packages.Package) (*event.SiteTable, error) {
	var calls []*call
	err := rw.eachFile(pkgs, func(p *packages.Package, f *ast.File, src *source) error {
		calls = append(calls, rw.findCalls(p, f, src)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(calls, func(i, j int) bool {
		if calls[i].path != calls[j].path {
			return calls[i].path < calls[j].path
		}
		return calls[i].off < calls[j].off
	})
	table := buildTable(calls)
	edits := map[string][]edit{}
	for _, c := range calls {
		if acquireOps[c.op] {
			arg := "0x" + strconv.FormatUint(c.site.Packed(), 16)
			edits[c.path] = append(edits[c.path], edit{c.selEnd, c.selEnd, "At"}, edit{c.rparen, c.rparen, arg})
		}
	}
	for _, path := range sortedKeys(keysOf(edits)) {
		if err := rw.edit(path, edits[path]); err != nil {
			return nil, err
		}
	}
	return table, nil
}

// findCalls returns the lock calls in file f of package p.
func (rw *rewrite) findCalls(p *packages.Package, f *ast.File, src *source) []*call {
	var calls []*call
	for _, d := range f.Decls {
		fn, rtFn := declFunc(d), runtimeFunc(d)
		if fn == rw.names.userMain {
			fn, rtFn = "main", "main" // the user's func main, renamed by the rewrite
		}
		ast.Inspect(d, func(n ast.Node) bool {
			ce, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := ce.Fun.(*ast.SelectorExpr)
			if !ok || !lockOps[sel.Sel.Name] || len(ce.Args) != 0 {
				return true
			}
			nm := &namer{pkg: p, rt: rw.names.rtPath, fn: fn, at: ce.Pos()}
			if cls, ok := nm.lockCall(sel); ok {
				calls = append(calls, &call{
					path: src.path, off: src.offset(ce.Pos()), op: sel.Sel.Name,
					selEnd: src.offset(sel.Sel.End()), rparen: src.offset(ce.Rparen),
					cls: cls, frame: nm.frame(sel.Sel.Pos(), runtimePkg(p)+"."+rtFn),
				})
			}
			return true
		})
	}
	return calls
}

// declFunc names the function a declaration's code runs in: "Type.Method",
// "func", or "init" for package-level initializers.
func declFunc(d ast.Decl) string {
	fd, ok := d.(*ast.FuncDecl)
	if !ok {
		return "init"
	}
	if recv, _ := recvType(fd); recv != "" {
		return recv + "." + fd.Name.Name
	}
	return fd.Name.Name
}

// runtimePkg is how the Go runtime qualifies p's functions in stack traces:
// by import path, except "main" for a program's main package.
func runtimePkg(p *packages.Package) string {
	if p.Name == "main" {
		return "main"
	}
	return p.PkgPath
}

// runtimeFunc names the function a declaration's code runs in the way the
// Go runtime names it in stack traces — "(*Type).Method", "Type.Method",
// "func", "init" — so that site frames and recorded stacks read alike.
// Closures are named after their enclosing function.
func runtimeFunc(d ast.Decl) string {
	fd, ok := d.(*ast.FuncDecl)
	if !ok {
		return "init"
	}
	recv, star := recvType(fd)
	switch {
	case recv == "":
		return fd.Name.Name
	case star:
		return "(*" + recv + ")." + fd.Name.Name
	}
	return recv + "." + fd.Name.Name
}

// recvType names a method's receiver type, without pointer, parentheses or
// type parameters, and says whether it is a pointer; "" for a function.
func recvType(fd *ast.FuncDecl) (name string, star bool) {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return "", false
	}
	t := fd.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t, star = x.X, true
		case *ast.ParenExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name, star
		default:
			return "", false
		}
	}
}

// buildTable assigns class and site IDs to calls (sorted by file and
// offset) and returns the table.
func buildTable(calls []*call) *event.SiteTable {
	byKey := map[string]*classDraft{}
	for _, c := range calls {
		if prev, ok := byKey[c.cls.key]; ok {
			c.cls = prev
		} else {
			byKey[c.cls.key] = c.cls
		}
	}
	drafts := make([]*classDraft, 0, len(byKey))
	for _, cd := range byKey {
		drafts = append(drafts, cd)
	}
	disambiguate(drafts)
	sort.Slice(drafts, func(i, j int) bool { return classLess(drafts[i], drafts[j]) })
	table := &event.SiteTable{Classes: make([]event.Class, 1, len(drafts)+1), Sites: make([]event.Site, 1, len(calls)+1)}
	ids := map[*classDraft]int32{}
	for _, cd := range drafts {
		id := int32(len(table.Classes))
		ids[cd] = id
		table.Classes = append(table.Classes, event.Class{ID: id, Name: cd.name, Key: cd.key, Kind: cd.kind, RW: cd.rw, Decl: cd.decl})
	}
	for _, c := range calls {
		c.site = event.Site{ID: int32(len(table.Sites)), Op: c.op, Class: ids[c.cls], Frame: c.frame}
		table.Sites = append(table.Sites, c.site)
	}
	return table
}

func classLess(a, b *classDraft) bool {
	if a.decl.File != b.decl.File {
		return a.decl.File < b.decl.File
	}
	if a.decl.Line != b.decl.Line {
		return a.decl.Line < b.decl.Line
	}
	return a.key < b.key
}

// disambiguate makes class names unique: classes sharing a name get their
// package name as a prefix when that tells them apart, and otherwise their
// declaration line as a suffix.
func disambiguate(drafts []*classDraft) {
	for _, group := range groupByName(drafts) {
		pkgs := map[string]bool{}
		for _, cd := range group {
			pkgs[cd.pkgName] = true
		}
		for _, cd := range group {
			if len(pkgs) > 1 && cd.kind != kindVar {
				cd.name = cd.pkgName + "." + cd.name
			}
		}
	}
	for _, group := range groupByName(drafts) {
		for _, cd := range group {
			cd.name = fmt.Sprintf("%s@%d", cd.name, cd.decl.Line)
		}
	}
}

// groupByName returns the groups of two or more drafts sharing a name.
func groupByName(drafts []*classDraft) [][]*classDraft {
	by := map[string][]*classDraft{}
	for _, cd := range drafts {
		by[cd.name] = append(by[cd.name], cd)
	}
	var groups [][]*classDraft
	for _, name := range sortedKeys(keysOf(by)) {
		if len(by[name]) > 1 {
			groups = append(groups, by[name])
		}
	}
	return groups
}

func keysOf[V any](m map[string]V) map[string]bool {
	keys := make(map[string]bool, len(m))
	for k := range m {
		keys[k] = true
	}
	return keys
}
