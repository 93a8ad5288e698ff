package tracer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/instrument"
)

// The build cache.
//
// Instrumenting type-checks the module twice and building links a binary
// per package; on an unchanged module both give the same result, so a
// second `lockscope test` reuses the binaries of the first. The key covers
// everything the build depends on: this lockscope binary, `go env -json`
// in the target's directory (toolchain, GOFLAGS, GOOS, cgo settings...),
// the patterns and build flags, and the content of every file of the
// module, of the other modules of its workspace and of the directories its
// local replace directives name (files past bigFile bytes by size and
// modification time). Dependencies from the module cache are fixed by
// go.sum. Program arguments and test flags that go to the binary are not
// part of the key. The newest keepBuilds builds are kept.

const (
	bigFile    = 1 << 20
	keepBuilds = 4
	// inUse is how long after its last use a build is never pruned: the
	// binaries of a run (of another lockscope process, perhaps) may still
	// be about to start. A run touches its build every keepAlive.
	inUse     = 15 * time.Minute
	keepAlive = time.Minute
)

// A build is an instrumented, built target: what runs need, and what a
// later run with the same inputs reuses.
type build struct {
	Sites      *event.SiteTable `json:"sites"`
	ModuleDir  string           `json:"module_dir"`
	ModulePath string           `json:"module_path"`
	GoVersion  string           `json:"go_version"`
	Notes      []string         `json:"notes,omitempty"`
	Binaries   []binary         `json:"binaries"`
	// Points are the scheduling points of an exploring build.
	Points []instrument.PointSite `json:"points,omitempty"`
	// dir holds the binaries (bin/ under it); cached says it was reused.
	dir    string
	cached bool
}

// binary is one built program or test binary.
type binary struct {
	Package string `json:"package"`
	File    string `json:"file"` // relative to the build's bin directory
	Dir     string `json:"dir"`  // where it runs
}

// manifest is the file that describes a cached build; it is written last.
const manifest = "build.json"

// keepUsing marks b used now and every keepAlive until stop is called.
func (b *build) keepUsing() (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(keepAlive)
		defer t.Stop()
		for {
			now := time.Now()
			_ = os.Chtimes(b.dir, now, now)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done) }
}

// lookupBuild returns the cached build for key, or nil.
func lookupBuild(cache, key string) *build {
	if key == "" {
		return nil
	}
	dir := filepath.Join(cache, "builds", key)
	data, err := os.ReadFile(filepath.Join(dir, manifest))
	if err != nil {
		return nil
	}
	var b build
	if json.Unmarshal(data, &b) != nil {
		return nil
	}
	for _, bin := range b.Binaries {
		if _, err := os.Stat(filepath.Join(dir, "bin", bin.File)); err != nil {
			return nil
		}
	}
	now := time.Now()
	_ = os.Chtimes(dir, now, now) // most recently used
	b.dir, b.cached = dir, true
	return &b
}

// storeBuild moves the build made in b.dir into the cache under key and
// prunes old builds. A build that cannot be stored is still usable where
// it is.
func storeBuild(cache, key string, b *build) {
	if key == "" {
		return
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil || os.WriteFile(filepath.Join(b.dir, manifest), data, 0o644) != nil {
		return
	}
	dir := filepath.Join(cache, "builds", key)
	_ = os.RemoveAll(dir)
	if os.Rename(b.dir, dir) != nil {
		return
	}
	b.dir = dir
	pruneBuilds(filepath.Join(cache, "builds"), key)
}

// pruneBuilds removes all but the keepBuilds most recently used builds,
// sparing keep and any used within inUse.
func pruneBuilds(root, keep string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	type aged struct {
		name string
		mod  time.Time
	}
	var builds []aged
	for _, e := range entries {
		if info, err := e.Info(); err == nil && e.IsDir() && !strings.HasPrefix(e.Name(), "tmp-") {
			builds = append(builds, aged{e.Name(), info.ModTime()})
		}
	}
	sort.Slice(builds, func(i, j int) bool { return builds[i].mod.After(builds[j].mod) })
	for i, b := range builds {
		if i >= keepBuilds && b.name != keep && time.Since(b.mod) > inUse {
			_ = os.RemoveAll(filepath.Join(root, b.name))
		}
	}
}

// buildKey returns the cache key of the build o asks for, or "" when there
// is no module to key on.
func buildKey(ctx context.Context, o Options, buildFlags []string) (string, error) {
	self, err := selfHash()
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "env", "-json")
	cmd.Dir = o.Dir
	env, err := cmd.Output()
	if err != nil {
		return "", nil // the build will say why
	}
	var goenv map[string]string
	if json.Unmarshal(env, &goenv) != nil || goenv["GOMOD"] == "" || goenv["GOMOD"] == os.DevNull {
		return "", nil
	}
	delete(goenv, "GOGCCFLAGS") // names a new temporary directory each time
	h := sha256.New()
	fmt.Fprintf(h, "lockscope %s\ndir %q\ntest %v race %v explore %v\npatterns %q\nflags %q\n", self, o.Dir, o.Test, o.Race, o.Explore, o.Patterns, buildFlags)
	stable, _ := json.Marshal(goenv) // keys sorted
	h.Write(stable)
	out, _ := filepath.Abs(o.OutDir)
	for _, root := range instrument.SourceDirs(goenv["GOMOD"], goenv["GOWORK"]) {
		if err := hashTree(h, root, out); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// hashTree adds every file under root (a file itself, or a directory) to h,
// skipping hidden directories and skip.
func hashTree(h io.Writer, root, skip string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if p != root && (strings.HasPrefix(d.Name(), ".") || p == skip) {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.Mode().IsRegular() {
			return nil
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, info.Size())
		if info.Size() > bigFile {
			fmt.Fprintf(h, "%d\x00", info.ModTime().UnixNano())
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		defer f.Close()
		_, err = io.Copy(h, f)
		return err
	})
}

var (
	selfOnce sync.Once
	selfSum  string
	selfErr  error
)

// selfHash identifies this lockscope binary by its content, so that a new
// build of lockscope never reuses an old instrumentation.
func selfHash() (string, error) {
	selfOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			selfErr = fmt.Errorf("find lockscope's executable: %w", err)
			return
		}
		f, err := os.Open(exe)
		if err != nil {
			selfErr = fmt.Errorf("read lockscope's executable: %w", err)
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			selfErr = fmt.Errorf("read lockscope's executable: %w", err)
			return
		}
		selfSum = hex.EncodeToString(h.Sum(nil))[:16]
	})
	return selfSum, selfErr
}
