package instrument

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// How the runtime joins the target's build.
//
// The instrumented build must be the build `go test` or `go build` would do
// in that directory: the same language version, build configuration and
// dependency resolution. So lockscope never passes -mod=mod, never turns a
// workspace off and never lets the go command rewrite a requirement. The
// runtime joins the build in one of three ways, chosen as the go command
// chooses its mode:
//
//   - module mode: a temporary go.mod (-modfile), the user's with the
//     runtime module required and replaced by a directory. The runtime's
//     go.mod has the target's go line, so the requirement raises nothing.
//   - workspace mode (go.work in force): -modfile is refused there, so a
//     temporary go.work (GOWORK) lists the user's modules and the runtime's.
//   - vendor mode (vendor/modules.txt, or -mod=vendor): the go command
//     checks vendor/modules.txt against go.mod on disk and reads no module
//     outside vendor/, so the runtime is compiled as packages of the target
//     module itself, added through the overlay, without assembly.
type placement struct {
	mode   string   // "module", "workspace" or "vendor"
	rtPath string   // import path of the lock runtime in the build
	flags  []string // build flags: -modfile in module mode
	// testFlags are added to `go test -c` builds only.
	testFlags []string
	env       []string          // environment: GOWORK in workspace mode
	files     map[string][]byte // runtime files the overlay adds, in vendor mode
}

// Build modes.
const (
	modeModule    = "module"
	modeWorkspace = "workspace"
	modeVendor    = "vendor"
)

// place decides how the runtime joins the build of g's module and writes
// what that takes into cfg.WorkDir (and the runtime module into the cache).
func place(cfg Config, g *graph) (*placement, error) {
	if g.modulePath == rtModulePath { // lockscope instrumenting itself
		return &placement{mode: modeModule, rtPath: rtLockPath}, nil
	}
	if g.goWork != "" {
		return placeWorkspace(cfg, g)
	}
	if g.vendor {
		files, err := inModuleSources(cfg.Runtime, g.moduleDir, g.modulePath)
		if err != nil {
			return nil, err
		}
		// `go test` vets the packages it builds, and vet, like the
		// assembler, cannot enter a directory that exists only in the
		// overlay. Vendor-mode test builds skip vet; the binary is the same.
		return &placement{
			mode: modeVendor, rtPath: g.modulePath + "/" + inModuleDir + "/lockrt", files: files,
			testFlags: []string{"-vet=off"},
		}, nil
	}
	return placeModule(cfg, g)
}

// placeModule writes the temp go.mod (a copy of the user's with the runtime
// required and replaced) and beside it a copy of go.sum.
func placeModule(cfg Config, g *graph) (*placement, error) {
	rt, err := writeRuntimeModule(cfg.Runtime, cfg.cacheDir(), g.goLine)
	if err != nil {
		return nil, err
	}
	mf, err := parseModFile(g.goMod)
	if err != nil {
		return nil, err
	}
	_ = mf.DropReplace(rtModulePath, "")
	if err := mf.AddRequire(rtModulePath, rtVersion); err != nil {
		return nil, fmt.Errorf("adding the runtime requirement: %w", err)
	}
	if err := mf.AddReplace(rtModulePath, "", rt, ""); err != nil {
		return nil, fmt.Errorf("adding the runtime replacement: %w", err)
	}
	// Relative replacements are relative to the go.mod, which moves.
	for _, r := range mf.Replace {
		if modfile.IsDirectoryPath(r.New.Path) && !filepath.IsAbs(r.New.Path) {
			abs := absFrom(filepath.Dir(g.goMod), r.New.Path)
			if err := mf.AddReplace(r.Old.Path, r.Old.Version, abs, ""); err != nil {
				return nil, fmt.Errorf("keeping the replacement of %s: %w", r.Old.Path, err)
			}
		}
	}
	out, err := mf.Format()
	if err != nil {
		return nil, fmt.Errorf("formatting go.mod: %w", err)
	}
	path := filepath.Join(cfg.WorkDir, "lockscope.mod")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return nil, fmt.Errorf("writing temp go.mod: %w", err)
	}
	sum := strings.TrimSuffix(g.goMod, ".mod") + ".sum"
	if err := copyFile(sum, strings.TrimSuffix(path, ".mod")+".sum"); err != nil {
		return nil, err
	}
	return &placement{mode: modeModule, rtPath: rtLockPath, flags: []string{"-modfile=" + path}}, nil
}

// placeWorkspace writes a temp go.work: the user's, with its paths made
// absolute and the runtime module added, and beside it a copy of go.work.sum.
func placeWorkspace(cfg Config, g *graph) (*placement, error) {
	rt, err := writeRuntimeModule(cfg.Runtime, cfg.cacheDir(), g.goLine)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(g.goWork)
	if err != nil {
		return nil, fmt.Errorf("reading go.work: %w", err)
	}
	wf, err := modfile.ParseWork(g.goWork, data, nil)
	if err != nil {
		return nil, fmt.Errorf("parsing go.work: %w", err)
	}
	base := filepath.Dir(g.goWork)
	abs := func(p string) string { return absFrom(base, p) }
	for _, u := range wf.Use {
		if err := wf.AddUse(abs(u.Path), u.ModulePath); err != nil {
			return nil, fmt.Errorf("rewriting go.work: %w", err)
		}
		if err := wf.DropUse(u.Path); err != nil {
			return nil, fmt.Errorf("rewriting go.work: %w", err)
		}
	}
	for _, r := range wf.Replace {
		if modfile.IsDirectoryPath(r.New.Path) && !filepath.IsAbs(r.New.Path) {
			if err := wf.AddReplace(r.Old.Path, r.Old.Version, abs(r.New.Path), ""); err != nil {
				return nil, fmt.Errorf("rewriting go.work: %w", err)
			}
		}
	}
	if err := wf.AddUse(rt, rtModulePath); err != nil {
		return nil, fmt.Errorf("rewriting go.work: %w", err)
	}
	wf.Cleanup()
	path := filepath.Join(cfg.WorkDir, "lockscope.work")
	if err := os.WriteFile(path, modfile.Format(wf.Syntax), 0o644); err != nil {
		return nil, fmt.Errorf("writing temp go.work: %w", err)
	}
	if err := copyFile(g.goWork+".sum", path+".sum"); err != nil {
		return nil, err
	}
	return &placement{mode: modeWorkspace, rtPath: rtLockPath, env: []string{"GOWORK=" + path}}, nil
}

func parseModFile(goMod string) (*modfile.File, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return nil, fmt.Errorf("reading go.mod: %w", err)
	}
	mf, err := modfile.Parse(goMod, data, nil)
	if err != nil {
		return nil, fmt.Errorf("parsing go.mod: %w", err)
	}
	return mf, nil
}

// copyFile copies from to to, or writes an empty file when from does not
// exist.
func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", filepath.Base(from), err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", to, err)
	}
	return nil
}

// goWorkFile returns the go.work file in force in dir under env, or "" in
// module mode, as `go env GOWORK` says.
func goWorkFile(ctx context.Context, dir string, env []string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "env", "GOWORK")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", &LoadError{Messages: []string{strings.TrimSpace(string(ee.Stderr))}}
		}
		return "", fmt.Errorf("go env GOWORK: %w", err)
	}
	w := strings.TrimSpace(string(out))
	if w == "off" {
		return "", nil
	}
	return w, nil
}

// vendorMode reports whether the go command builds the module at modDir
// from its vendor directory: -mod=vendor in the build flags or GOFLAGS, or
// no -mod at all and a vendor/modules.txt (the go command's own rule for
// go lines from 1.14 on).
func vendorMode(modDir, goLine string, buildFlags, env []string) bool {
	mode := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok {
			mode = modFlag(strings.Fields(v), mode)
		}
	}
	mode = modFlag(buildFlags, mode)
	if mode != "" {
		return mode == "vendor"
	}
	if _, err := os.Stat(filepath.Join(modDir, "vendor", "modules.txt")); err != nil {
		return false
	}
	return goLine == "" || !olderThan(goLine, "1.14")
}

// modFlag returns the value of the last -mod flag in flags, or def.
func modFlag(flags []string, def string) string {
	for i, f := range flags {
		name, val, hasVal := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if name != "mod" || !strings.HasPrefix(f, "-") {
			continue
		}
		if !hasVal && i+1 < len(flags) {
			val = flags[i+1]
		}
		def = val
	}
	return def
}

// olderThan compares go versions "1.N[.P]" on their minor number.
func olderThan(v, than string) bool {
	minor := func(s string) int {
		var major, minor int
		fmt.Sscanf(s, "%d.%d", &major, &minor)
		return major*1000 + minor
	}
	return minor(v) < minor(than)
}

// SourceDirs lists the directories whose files a build of the module at
// goMod reads, besides the module cache: the module's, its workspace's
// modules (goWork, "" or "off" for none), and local replacement
// directories, sorted. The build cache keys on their content.
func SourceDirs(goMod, goWork string) []string {
	roots := map[string]bool{filepath.Dir(goMod): true}
	addReplaces := func(base string, rs []*modfile.Replace) {
		for _, r := range rs {
			if modfile.IsDirectoryPath(r.New.Path) {
				roots[absFrom(base, r.New.Path)] = true
			}
		}
	}
	if data, err := os.ReadFile(goMod); err == nil {
		if mf, err := modfile.ParseLax(goMod, data, nil); err == nil {
			addReplaces(filepath.Dir(goMod), mf.Replace)
		}
	}
	if goWork != "" && goWork != "off" {
		roots[goWork] = true
		if data, err := os.ReadFile(goWork); err == nil {
			if wf, err := modfile.ParseWork(goWork, data, nil); err == nil {
				for _, u := range wf.Use {
					roots[absFrom(filepath.Dir(goWork), u.Path)] = true
				}
				addReplaces(filepath.Dir(goWork), wf.Replace)
			}
		}
	}
	out := make([]string, 0, len(roots))
	for r := range roots {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

func absFrom(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}
