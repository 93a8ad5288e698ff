package instrument

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

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
