package instrument

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/lockscope/lockscope/tracer/event"
)

// Config says what to instrument and where to put the result.
type Config struct {
	Dir        string   // a directory inside the target's main module
	Patterns   []string // packages to instrument and build; default ./...
	Tests      bool     // also rewrite _test.go files and add TestMain hooks
	BuildFlags []string // build flags for the go command, such as -tags=foo
	WorkDir    string   // an empty directory for the overlay, overlay.json and the temp go.mod/go.sum
	// Runtime holds the lock runtime's source: the directory tracer of the
	// module github.com/lockscope/lockscope, with lockrt/ and event/.
	Runtime fs.FS
	// CacheDir keeps the runtime module written for each go line, shared by
	// runs; empty means WorkDir.
	CacheDir string
	Env      []string // extra environment for the go command, such as GOFLAGS=...
	// Explore inserts scheduling points before concurrency operations
	// (explore.go).
	Explore bool
}

func (c Config) cacheDir() string {
	if c.CacheDir != "" {
		return c.CacheDir
	}
	return c.WorkDir
}

// Result is an instrumented build of the target, ready for go build or
// go test -c with BuildArgs.
type Result struct {
	ModuleDir, ModulePath string
	OverlayFile           string // path of overlay.json, for -overlay
	// Mode is how the runtime joins the build, as the go command's own mode
	// for the target: "module", "workspace" or "vendor".
	Mode string
	// Flags and Env are what the go command needs, beside -overlay, to
	// build the instrumented target: a temp go.mod (-modfile) in module
	// mode, a temp go.work (GOWORK) in workspace mode.
	Flags, Env []string
	// TestFlags are added to `go test -c` builds only.
	TestFlags      []string
	Sites          *event.SiteTable
	Packages       []string // import paths the patterns matched, sorted
	TestPackages   []string // with Config.Tests: matched main-module packages that have tests
	RewrittenFiles int      // user files the overlay replaces (added files not counted)
	// Notes are things the user should know about this build, one line
	// each, such as a go line newer than lockscope's own Go release.
	Notes []string
	// Points are the scheduling points inserted with Config.Explore, by ID
	// from 1.
	Points []PointSite
	cfgEnv []string
}

// BuildArgs returns the flags to add to go build, go run or go test -c,
// which must run with BuildEnv.
func (r *Result) BuildArgs() []string {
	return append([]string{"-overlay=" + r.OverlayFile}, r.Flags...)
}

// BuildEnv returns the go command's environment for the instrumented
// build: the process's own, then Config.Env, then the build's.
func (r *Result) BuildEnv() []string {
	return append(append(os.Environ(), r.cfgEnv...), r.Env...)
}

// rewrite is the instrumented module in progress.
type rewrite struct {
	g        *graph
	names    *names
	contents map[string][]byte // rewritten or added file contents, by the path they take
	added    map[string]bool   // paths of added files
	points   *points           // scheduling points; nil unless exploring
}

// Instrument rewrites the target's main module into an overlay, as the
// package documentation describes. A target that does not load or
// type-check gives a *LoadError.
func Instrument(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.WorkDir == "" || cfg.Runtime == nil {
		return nil, errors.New("instrument: WorkDir and Runtime are required")
	}
	if len(cfg.Patterns) == 0 {
		cfg.Patterns = []string{"./..."}
	}
	g, err := loadGraph(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pkgs, err := loadSyntax(ctx, cfg, g, nil, nil)
	if err != nil {
		return nil, err
	}
	pl, err := place(cfg, g)
	if err != nil {
		return nil, err
	}
	rw, err := rewriteModule(g, pkgs, pl.rtPath, cfg.Explore)
	if err != nil {
		return nil, err
	}
	res := &Result{
		ModuleDir: g.moduleDir, ModulePath: g.modulePath, Packages: g.matched, TestPackages: sortedKeys(g.tested),
		Mode: pl.mode, Flags: pl.flags, TestFlags: pl.testFlags, Env: pl.env, cfgEnv: cfg.Env,
	}
	if rw.points != nil {
		res.Points = rw.points.sites
	}
	if v := newerGo(pkgs); v != "" {
		res.Notes = append(res.Notes, fmt.Sprintf("the module asks for go %s and this lockscope was built with %s: "+
			"it names locks with %s's type checker, and builds and runs with go %s; "+
			"to instrument language features newer than %s, install lockscope with go %s",
			v, runtime.Version(), runtime.Version(), v, runtime.Version(), v))
	}
	add, note, err := leakProfileEnv(ctx, g.moduleDir, append(append(os.Environ(), cfg.Env...), pl.env...))
	if err != nil {
		return nil, err
	}
	res.Env = append(res.Env, add...)
	if note != "" {
		res.Notes = append(res.Notes, note)
	}
	for path, src := range pl.files {
		rw.contents[path], rw.added[path] = src, true
	}
	cfg.Env = append(append([]string(nil), cfg.Env...), pl.env...)
	pkgs2, err := loadSyntax(ctx, cfg, g, rw.contents, pl.flags)
	if err != nil {
		return nil, err
	}
	if res.Sites, err = rw.instrumentCalls(pkgs2); err != nil {
		return nil, err
	}
	if res.OverlayFile, res.RewrittenFiles, err = rw.writeOverlay(cfg.WorkDir); err != nil {
		return nil, err
	}
	return res, nil
}

// rewriteModule applies the type, exit and main rewrites to every
// main-module file and adds the hook files.
func rewriteModule(g *graph, pkgs []*packages.Package, rtPath string, explore bool) (*rewrite, error) {
	rw := &rewrite{g: g, names: pickNames(pkgs, rtPath), contents: map[string][]byte{}, added: map[string]bool{}}
	if explore {
		rw.points = &points{}
	}
	err := rw.eachFile(pkgs, func(p *packages.Package, f *ast.File, src *source) error {
		fe := newFileEdit(p, f, src, rw.names)
		fe.points = rw.points
		edits := fe.rewriteFile()
		if len(edits) == 0 {
			return nil
		}
		return rw.edit(src.path, edits)
	})
	if err != nil {
		return nil, err
	}
	for path, src := range rw.hooks(pkgs) {
		rw.contents[path], rw.added[path] = src, true
	}
	return rw, nil
}

// eachFile calls fn once for each main-module file of pkgs, with the type
// information of the first package that has it: the plain package for
// non-test files, a test variant for _test.go files of tested packages.
func (rw *rewrite) eachFile(pkgs []*packages.Package, fn func(*packages.Package, *ast.File, *source) error) error {
	seen := map[string]bool{}
	for _, p := range pkgs {
		t := forTest(p.ID)
		if isSynthetic(p) || t != "" && !rw.g.tested[t] {
			continue
		}
		for _, f := range p.Syntax {
			src, err := sourceOf(p, f, rw.g.moduleDir, rw.current)
			if err != nil {
				return err
			}
			if src == nil || seen[src.path] {
				continue
			}
			seen[src.path] = true
			if err := fn(p, f, src); err != nil {
				return err
			}
		}
	}
	return nil
}

// current returns the content of the file at path as the rewrite has it.
func (rw *rewrite) current(path string) ([]byte, error) {
	if src, ok := rw.contents[path]; ok {
		return src, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading source: %w", err)
	}
	return src, nil
}

// edit applies edits to the current content of the file at path.
func (rw *rewrite) edit(path string, edits []edit) error {
	src, err := rw.current(path)
	if err != nil {
		return err
	}
	out, err := applyEdits(src, edits)
	if err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	rw.contents[path] = out
	return nil
}

// within reports whether path is inside dir.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
