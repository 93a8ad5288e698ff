package instrument

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// The runtime's module and packages, as lockscope's own module names them.
const (
	rtModulePath = "github.com/lockscope/lockscope"
	rtTracerPath = rtModulePath + "/tracer" // the directory Config.Runtime holds
	rtLockPath   = rtTracerPath + "/lockrt" // the package instrumented code imports
	rtVersion    = "v0.0.0-00010101000000-000000000000"
)

// srcFile is one file of the runtime: its path relative to the tree it is
// written into, and its content.
type srcFile struct {
	name string
	data []byte
}

// runtimeSources lists the non-test Go and assembly files of the runtime
// tree src, with paths relative to it ("lockrt/mutex.go").
func runtimeSources(src fs.FS) ([]srcFile, error) {
	var files []srcFile
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return fs.SkipDir
			}
			return nil
		}
		ext := path.Ext(p)
		if strings.HasSuffix(p, "_test.go") || (ext != ".go" && ext != ".s" && ext != ".h") {
			return nil
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		files = append(files, srcFile{p, data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the lock runtime's source: %w", err)
	}
	return files, nil
}

// writeRuntimeModule writes the runtime as the module rtModulePath under
// cacheDir and returns its directory. Its go.mod has the target's own go
// line, so that requiring it never raises the target's language version
// (a go line is the minimum a module needs; the runtime is written for the
// oldest one lockscope supports). The directory is named by the content's
// hash, so that runs share it (and the go command's build cache with it) and
// never see a half-written one.
func writeRuntimeModule(src fs.FS, cacheDir, goLine string) (string, error) {
	sources, err := runtimeSources(src)
	if err != nil {
		return "", err
	}
	mod := "module " + rtModulePath + "\n"
	if goLine != "" {
		mod += "\ngo " + goLine + "\n"
	}
	files := []srcFile{{"go.mod", []byte(mod)}}
	for _, f := range sources {
		files = append(files, srcFile{"tracer/" + f.name, atLanguage(f.name, f.data)})
	}
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00%s", f.name, len(f.data), f.data)
	}
	dir := filepath.Join(cacheDir, "rt-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("writing the lock runtime: %w", err)
	}
	tmp, err := os.MkdirTemp(cacheDir, "rt-tmp-")
	if err != nil {
		return "", fmt.Errorf("writing the lock runtime: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, f := range files {
		p := filepath.Join(tmp, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", fmt.Errorf("writing the lock runtime: %w", err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return "", fmt.Errorf("writing the lock runtime: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "go.mod")); serr == nil {
			return dir, nil // another run got there first
		}
		return "", fmt.Errorf("writing the lock runtime: %w", err)
	}
	return dir, nil
}

// rtLanguage is the Go language version the runtime is written for. Its
// go.mod carries the target's go line, which may be older (go 1.13, say);
// a //go:build constraint on a file sets that file's language version to
// at least go1.21 whatever the module's (go/types and the compiler since
// Go 1.22), so every runtime file is compiled as go1.21 code.
const rtLanguage = "go1.21"

// atLanguage adds rtLanguage to the build constraint of a Go file.
func atLanguage(name string, data []byte) []byte {
	if path.Ext(name) != ".go" {
		return data
	}
	const build = "//go:build "
	if bytes.HasPrefix(data, []byte(build)) {
		line, rest, _ := bytes.Cut(data[len(build):], []byte("\n"))
		return append([]byte(build+rtLanguage+" && ("+string(line)+")\n"), rest...)
	}
	return append([]byte(build+rtLanguage+"\n\n"), data...)
}

// inModuleDir is the directory, relative to the target module's root, that
// holds the runtime when it is compiled as part of that module (vendor
// mode). A leading underscore keeps it out of the go command's ./...
// patterns.
const inModuleDir = "_lockscope"

// inModuleSources returns the runtime's files as packages of the module
// modPath rooted at modDir: import paths moved under modPath/_lockscope, and
// no assembly, since the go command cannot assemble files in a directory
// that exists only in an overlay. The portable fallbacks take the assembly's
// place: goroutine IDs read from runtime.Stack (slower) and, under -race,
// sync/atomic with the detector paused.
func inModuleSources(src fs.FS, modDir, modPath string) (map[string][]byte, error) {
	sources, err := runtimeSources(src)
	if err != nil {
		return nil, err
	}
	from := []byte(rtTracerPath + "/")
	to := []byte(modPath + "/" + inModuleDir + "/")
	out := map[string][]byte{}
	for _, f := range sources {
		data, keep := withoutAssembly(f.name, f.data)
		data = atLanguage(f.name, data)
		if !keep {
			continue
		}
		p := filepath.Join(modDir, inModuleDir, filepath.FromSlash(f.name))
		out[p] = bytes.ReplaceAll(data, from, to)
	}
	return out, nil
}

// withoutAssembly adapts one runtime file to a build without assembly: the
// assembly and the Go files declaring it are dropped, and the portable
// fallbacks lose their "not amd64 or arm64" constraint.
func withoutAssembly(name string, data []byte) ([]byte, bool) {
	if path.Ext(name) == ".s" || path.Ext(name) == ".h" || strings.HasSuffix(name, "_asm.go") {
		return nil, false
	}
	if !strings.HasSuffix(name, "_other.go") {
		return data, true
	}
	data = bytes.Replace(data, []byte("//go:build !amd64 && !arm64\n"), nil, 1)
	data = bytes.Replace(data, []byte(" && !amd64 && !arm64\n"), []byte("\n"), 1)
	return data, true
}
