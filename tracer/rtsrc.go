package tracer

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// runtimeSrc is the source of the packages linked into instrumented targets:
// the lock runtime and its event encoding. lockscope carries them inside its
// binary so that `go install` is all a user needs.
//
//go:embed lockrt event
var runtimeSrc embed.FS

// runtimeModulePath is the module the runtime packages belong to. A target's
// temporary go.mod requires it and replaces it with the directory written by
// writeRuntime.
const runtimeModulePath = "github.com/lockscope/lockscope"

// writeRuntime writes the runtime module under cacheDir, in a directory named
// by the content's hash so that runs share it and never see a half-written
// one, and returns that directory.
func writeRuntime(cacheDir string) (string, error) {
	files, err := runtimeFiles()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00%s", f.name, len(f.data), f.data)
	}
	dir := filepath.Join(cacheDir, "rt-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(cacheDir, "rt-tmp-")
	if err != nil {
		return "", fmt.Errorf("write lock runtime: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, f := range files {
		p := filepath.Join(tmp, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", fmt.Errorf("write lock runtime: %w", err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			return "", fmt.Errorf("write lock runtime: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "go.mod")); serr == nil {
			return dir, nil // another run got there first
		}
		return "", fmt.Errorf("write lock runtime: %w", err)
	}
	return dir, nil
}

type srcFile struct {
	name string
	data []byte
}

// runtimeFiles lists the module's files: go.mod, then the non-test sources.
func runtimeFiles() ([]srcFile, error) {
	files := []srcFile{{"go.mod", []byte("module " + runtimeModulePath + "\n\ngo 1.22\n")}}
	err := fs.WalkDir(runtimeSrc, ".", func(p string, d fs.DirEntry, err error) error {
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
		data, err := runtimeSrc.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, srcFile{"tracer/" + p, data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read embedded lock runtime: %w", err)
	}
	return files, nil
}
