package instrument

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// runtimeVersion is the pseudo-version the temp go.mod requires the
// runtime module at; a replace directive points it at Config.RuntimeDir.
const runtimeVersion = "v0.0.0-00010101000000-000000000000"

// writeModFile writes the temp go.mod (a copy of the user's with the runtime
// required and replaced) and beside it a copy of go.sum, and returns the
// go.mod's path.
func writeModFile(g *graph, cfg Config) (string, error) {
	data, err := os.ReadFile(g.goMod)
	if err != nil {
		return "", fmt.Errorf("reading go.mod: %w", err)
	}
	mf, err := modfile.Parse(g.goMod, data, nil)
	if err != nil {
		return "", fmt.Errorf("parsing go.mod: %w", err)
	}
	if g.modulePath != selfPath {
		runtimeDir, err := filepath.Abs(cfg.RuntimeDir)
		if err != nil {
			return "", fmt.Errorf("runtime directory: %w", err)
		}
		_ = mf.DropReplace(selfPath, "")
		if err := mf.AddRequire(selfPath, runtimeVersion); err != nil {
			return "", fmt.Errorf("adding the runtime requirement: %w", err)
		}
		if err := mf.AddReplace(selfPath, "", runtimeDir, ""); err != nil {
			return "", fmt.Errorf("adding the runtime replacement: %w", err)
		}
	}
	out, err := mf.Format()
	if err != nil {
		return "", fmt.Errorf("formatting go.mod: %w", err)
	}
	path := filepath.Join(cfg.WorkDir, "lockscope.mod")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return "", fmt.Errorf("writing temp go.mod: %w", err)
	}
	return path, copySum(strings.TrimSuffix(g.goMod, ".mod")+".sum", strings.TrimSuffix(path, ".mod")+".sum")
}

// copySum copies go.sum to the temp .sum, or writes an empty one.
func copySum(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading go.sum: %w", err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		return fmt.Errorf("writing temp go.sum: %w", err)
	}
	return nil
}

// writeOverlay writes every rewritten and added file into workDir and the
// overlay.json mapping their paths to them. It returns overlay.json's path
// and the number of user files replaced.
func (rw *rewrite) writeOverlay(workDir string) (string, int, error) {
	dir := filepath.Join(workDir, "overlay")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, fmt.Errorf("creating overlay directory: %w", err)
	}
	paths := make([]string, 0, len(rw.contents))
	for p := range rw.contents {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	replace := map[string]string{}
	for i, p := range paths {
		target := filepath.Join(dir, fmt.Sprintf("%04d_%s", i, filepath.Base(p)))
		if err := os.WriteFile(target, rw.contents[p], 0o644); err != nil {
			return "", 0, fmt.Errorf("writing overlay file: %w", err)
		}
		replace[p] = target
	}
	data, err := json.MarshalIndent(map[string]any{"Replace": replace}, "", "\t")
	if err != nil {
		return "", 0, fmt.Errorf("encoding overlay: %w", err)
	}
	path := filepath.Join(workDir, "overlay.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", 0, fmt.Errorf("writing overlay: %w", err)
	}
	return path, len(paths) - len(rw.added), nil
}
