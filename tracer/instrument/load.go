package instrument

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// LoadError reports packages that do not load or type-check. Messages holds
// the go command's and type checker's messages verbatim, each in the
// "file:line:col: message" form when a position is known.
type LoadError struct {
	// Instrumented is set when the messages come from re-checking the
	// rewritten code rather than the user's own code.
	Instrumented bool
	Messages     []string
}

func (e *LoadError) Error() string {
	what := "packages do not type-check"
	if e.Instrumented {
		what = "instrumented packages do not type-check"
	}
	return what + ":\n" + strings.Join(e.Messages, "\n")
}

// graph is what the cheap first load learns: the main module, the packages
// the patterns matched, and every main-module package in their import graph.
type graph struct {
	moduleDir, modulePath, goMod string
	goLine                       string          // the go line of goMod ("1.21"), "" if none
	goWork                       string          // the go.work in force, "" in module mode
	vendor                       bool            // the go command builds from vendor/
	matched                      []string        // matched import paths, sorted
	tested                       map[string]bool // matched main-module paths with test files
	modulePkgs                   []string        // main-module import paths to rewrite, sorted
}

const syntaxMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedTypesInfo |
	packages.NeedSyntax | packages.NeedModule

// goEnv is the environment of every go command lockscope runs for cfg: the
// user's own, so that GOFLAGS, GOWORK and GOTOOLCHAIN mean what they mean
// to `go test`.
func goEnv(cfg Config) []string {
	return append(os.Environ(), cfg.Env...)
}

// loadGraph lists the matched packages and their imports, without types.
func loadGraph(ctx context.Context, cfg Config) (*graph, error) {
	pcfg := &packages.Config{
		Context: ctx, Dir: cfg.Dir, Env: goEnv(cfg), Tests: cfg.Tests,
		BuildFlags: cfg.BuildFlags,
		Mode:       packages.NeedName | packages.NeedImports | packages.NeedDeps | packages.NeedModule,
	}
	roots, err := packages.Load(pcfg, cfg.Patterns...)
	if err != nil {
		return nil, fmt.Errorf("listing packages: %w", err)
	}
	if msgs := errorMessages(roots, func(*packages.Package) bool { return true }); len(msgs) > 0 {
		return nil, &LoadError{Messages: msgs}
	}
	g := &graph{tested: map[string]bool{}}
	// The module is that of the matched packages; in a workspace, the
	// other main modules are dependencies like any other.
	for _, p := range roots {
		if p.Module != nil && p.Module.Main && !isSynthetic(p) {
			g.moduleDir, g.modulePath, g.goMod = p.Module.Dir, p.Module.Path, p.Module.GoMod
			g.goLine = p.Module.GoVersion
			break
		}
	}
	if g.moduleDir == "" {
		return nil, fmt.Errorf("no package of the main module matches %s", strings.Join(cfg.Patterns, " "))
	}
	mod := map[string]bool{}
	packages.Visit(roots, nil, func(p *packages.Package) {
		if p.Module != nil && p.Module.Path == g.modulePath && !isSynthetic(p) && !isXTest(p) {
			mod[p.PkgPath] = true
		}
	})
	if g.goWork, err = goWorkFile(ctx, cfg.Dir, goEnv(cfg)); err != nil {
		return nil, err
	}
	g.vendor = g.goWork == "" && vendorMode(g.moduleDir, g.goLine, cfg.BuildFlags, goEnv(cfg))
	matched := map[string]bool{}
	for _, p := range roots {
		if p.ID == p.PkgPath && !isSynthetic(p) {
			matched[p.PkgPath] = true
		} else if t := forTest(p.ID); t != "" && mod[t] {
			g.tested[t] = true
		}
	}
	g.matched, g.modulePkgs = sortedKeys(matched), sortedKeys(mod)
	return g, nil
}

// loadSyntax type-checks the main-module packages from source, with overlay
// contents and extra build flags when given.
func loadSyntax(ctx context.Context, cfg Config, g *graph, overlay map[string][]byte, flags []string) ([]*packages.Package, error) {
	pcfg := &packages.Config{
		Context: ctx, Dir: g.moduleDir, Env: goEnv(cfg), Tests: cfg.Tests,
		BuildFlags: append(append([]string(nil), cfg.BuildFlags...), flags...),
		Mode:       syntaxMode, Overlay: overlay,
	}
	pkgs, err := packages.Load(pcfg, g.modulePkgs...)
	if err != nil {
		return nil, fmt.Errorf("loading packages: %w", err)
	}
	if msgs := errorMessages(pkgs, g.relevant); len(msgs) > 0 {
		return nil, &LoadError{Instrumented: overlay != nil, Messages: msgs}
	}
	sort.SliceStable(pkgs, func(i, j int) bool { return variantRank(pkgs[i]) < variantRank(pkgs[j]) })
	return pkgs, nil
}

// relevant reports whether p's errors matter: every package variant except
// the test variants of packages whose tests are not being built.
func (g *graph) relevant(p *packages.Package) bool {
	if isSynthetic(p) {
		return false
	}
	t := forTest(p.ID)
	return t == "" || g.tested[t] || !isXTest(p) && p.PkgPath != t
}

// isXTest reports whether p is an external test package "p_test [p.test]".
func isXTest(p *packages.Package) bool {
	t := forTest(p.ID)
	return t != "" && p.PkgPath == t+"_test"
}

// errorMessages collects the distinct error messages of the packages keep
// accepts, in the go command's "pos: msg" form.
func errorMessages(pkgs []*packages.Package, keep func(*packages.Package) bool) []string {
	seen := map[string]bool{}
	var msgs []string
	for _, p := range pkgs {
		if !keep(p) {
			continue
		}
		for _, e := range preferTypeErrors(p.Errors) {
			if tooNew(e) {
				continue
			}
			if s := e.Error(); !seen[s] {
				seen[s] = true
				msgs = append(msgs, s)
			}
		}
	}
	return msgs
}

// tooNew reports whether e is go/types refusing a go line newer than the
// Go release lockscope was built with. The type checker goes on after it,
// with every language feature it knows allowed, and the build itself uses
// the toolchain the go line asks for; code that uses a feature this
// go/types does not know still fails with errors of its own.
func tooNew(e packages.Error) bool {
	return e.Kind == packages.TypeError && strings.Contains(e.Msg, "requires newer Go version") &&
		strings.Contains(e.Msg, "(application built with")
}

// newerGo returns the go line of the first package that go/types found too
// new, or "".
func newerGo(pkgs []*packages.Package) string {
	for _, p := range pkgs {
		for _, e := range p.Errors {
			if tooNew(e) && p.Module != nil {
				return p.Module.GoVersion
			}
		}
	}
	return ""
}

// preferTypeErrors returns the type checker's errors when there are any:
// the go command reports the same compile errors again, relative to the
// package directory.
func preferTypeErrors(errs []packages.Error) []packages.Error {
	var typed []packages.Error
	for _, e := range errs {
		if e.Kind == packages.TypeError {
			typed = append(typed, e)
		}
	}
	if len(typed) > 0 {
		return typed
	}
	return errs
}

// forTest returns "p" for a test variant ID "x [p.test]", else "".
func forTest(id string) string {
	_, rest, ok := strings.Cut(id, " [")
	if !ok {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSuffix(rest, "]"), ".test")
}

// isSynthetic reports whether p is a generated test main package.
func isSynthetic(p *packages.Package) bool {
	return strings.HasSuffix(p.ID, ".test") && p.Name == "main" && forTest(p.ID) == ""
}

// variantRank orders plain packages before test variants, so a file shared
// by both is processed with its plain package's type information.
func variantRank(p *packages.Package) int {
	if forTest(p.ID) == "" {
		return 0
	}
	return 1
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
