package tracer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
	"github.com/lockscope/lockscope/tracer/instrument"
)

// Options says what to build and run.
type Options struct {
	// Dir is a directory inside the target's main module.
	Dir string
	// Patterns are the packages: for a program exactly one main package,
	// for tests the packages whose tests run (default ./...).
	Patterns []string
	// Test runs package tests instead of a program.
	Test bool
	// Args are the program's arguments or, for tests, `go test` flags.
	Args []string
	// Race builds with the race detector.
	Race bool
	// Timeout is each target process's deadline (required).
	Timeout time.Duration
	// BuildTimeout bounds instrumenting and building; 0 means no bound
	// beyond ctx.
	BuildTimeout time.Duration
	// Runs repeats every target; 0 means 1.
	Runs int
	// OutDir receives the raw artifacts, under OutDir/artifacts.
	OutDir string
	// CacheDir holds the lock runtime's source; empty means the user
	// cache directory.
	CacheDir string
	// Echo receives a copy of the targets' output as it comes; nil for none.
	Echo io.Writer
	// Progress receives one line per step; nil for none.
	Progress io.Writer
	// Explore builds the target with scheduling points and gives each run
	// a seed (explore.go). Seed, when not 0, is the first run's seed; the
	// next runs take the next numbers.
	Explore bool
	Seed    uint64
	// Confirm, with Explore, steers every run toward a predicted cycle
	// (explore.go); Result.Steered says whether any point was on its sites.
	Confirm *Confirm
}

// Result is what a run produced.
type Result struct {
	Sites      *event.SiteTable
	ModuleDir  string
	ModulePath string
	GoVersion  string
	Processes  []*Process
	// SitesPath is where the site table was saved.
	SitesPath string
	// Cached is set when the instrumented build of an earlier run, with
	// the same inputs, was reused.
	Cached bool
	// Steered says that Options.Confirm's sites had scheduling points.
	Steered bool
}

// BuildError is a target that could not be built or type-checked. Output is
// the compiler's own words.
type BuildError struct {
	Output string
}

func (e *BuildError) Error() string {
	first, _, _ := strings.Cut(strings.TrimSpace(e.Output), "\n")
	return "target does not build: " + first
}

// Run instruments, builds and runs the target, and returns where everything
// it recorded is. An error means lockscope could not do its job; a target that
// fails, hangs or crashes is not an error but a Process record saying so.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Runs < 1 {
		o.Runs = 1
	}
	artifacts := filepath.Join(o.OutDir, "artifacts")
	if err := resetDir(artifacts); err != nil {
		return nil, err
	}
	bctx, cancel := ctx, context.CancelFunc(func() {})
	if o.BuildTimeout > 0 {
		bctx, cancel = context.WithTimeout(ctx, o.BuildTimeout)
	}
	defer cancel()
	buildFlags, binFlags := o.splitArgs()
	b, err := prepare(bctx, o, buildFlags)
	if err != nil {
		return nil, buildDeadline(ctx, bctx, o.BuildTimeout, err)
	}
	if !b.cached && b.dir != "" && strings.HasPrefix(filepath.Base(b.dir), "tmp-") {
		defer os.RemoveAll(b.dir) // not stored in the cache
	}
	for _, n := range b.Notes {
		progress(o.Progress, "%s", n)
	}
	res := &Result{Sites: b.Sites, ModuleDir: b.ModuleDir, ModulePath: b.ModulePath, GoVersion: b.GoVersion, Cached: b.cached}
	res.SitesPath = filepath.Join(artifacts, "sites.json")
	if err := writeJSON(res.SitesPath, b.Sites); err != nil {
		return nil, err
	}
	var seeds []uint64
	if o.Explore {
		if seeds, err = runSeeds(o.Runs, o.Seed); err != nil {
			return nil, err
		}
		progress(o.Progress, "exploring schedules: %d scheduling points, seeds %d to %d", len(b.Points), seeds[1], seeds[o.Runs])
		if err := writeJSON(filepath.Join(artifacts, "points.json"), b.Points); err != nil {
			return nil, err
		}
	}
	var extra []string
	if o.Confirm != nil {
		if env := confirmEnv(o.Confirm, b.Points); env != "" {
			extra, res.Steered = append(extra, env), true
		}
	}
	stop := b.keepUsing()
	res.Processes = runTargets(ctx, o, b.targets(o, binFlags), artifacts, seeds, extra)
	stop()
	return res, nil
}

// splitArgs sorts Args into the flags of the build and those of the
// binary.
func (o Options) splitArgs() (build, binary []string) {
	if o.Test {
		build, binary = splitTestFlags(o.Args)
	} else {
		binary = o.Args
	}
	if o.Race {
		build = append(build, "-race")
	}
	return build, binary
}

// cacheDir is where the runtime module and cached builds live.
func (o Options) cacheDir() string {
	if o.CacheDir != "" {
		return o.CacheDir
	}
	c, err := os.UserCacheDir()
	if err != nil {
		c = os.TempDir()
	}
	return filepath.Join(c, "lockscope")
}

// prepare returns the instrumented build of the target: the cached one
// when nothing it depends on changed, else a new one, stored for next time.
func prepare(ctx context.Context, o Options, buildFlags []string) (*build, error) {
	cache := o.cacheDir()
	key, err := buildKey(ctx, o, buildFlags)
	if err != nil {
		progress(o.Progress, "build cache off: %v", err)
		key = ""
	}
	if b := lookupBuild(cache, key); b != nil {
		progress(o.Progress, "reusing the instrumented build of %s (unchanged since it was built)", strings.Join(o.Patterns, " "))
		return b, nil
	}
	root := filepath.Join(cache, "builds")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("create build directory: %w", err)
	}
	work, err := os.MkdirTemp(root, "tmp-")
	if err != nil {
		return nil, fmt.Errorf("create build directory: %w", err)
	}
	b, err := newBuild(ctx, o, cache, work, buildFlags)
	if err != nil {
		os.RemoveAll(work)
		return nil, err
	}
	os.RemoveAll(filepath.Join(work, "overlay")) // only the build needed it
	storeBuild(cache, key, b)
	return b, nil
}

// newBuild instruments and builds the target in work.
func newBuild(ctx context.Context, o Options, cache, work string, buildFlags []string) (*build, error) {
	progress(o.Progress, "instrumenting %s", strings.Join(o.Patterns, " "))
	inst, err := instrumentTarget(ctx, o, cache, work, buildFlags)
	if err != nil {
		return nil, err
	}
	b := &build{
		Sites: inst.Sites, ModuleDir: inst.ModuleDir, ModulePath: inst.ModulePath,
		GoVersion: goVersion(inst.ModuleDir), Notes: inst.Notes, dir: work, Points: inst.Points,
	}
	if err := buildBinaries(ctx, o, inst, append(inst.BuildArgs(), buildFlags...), b); err != nil {
		return nil, err
	}
	return b, nil
}

// buildDeadline names the cause when the build deadline, not the caller,
// ended the build.
func buildDeadline(ctx, bctx context.Context, d time.Duration, err error) error {
	if errors.Is(bctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		return fmt.Errorf("instrumenting and building took longer than the build deadline of %s: %w", d, err)
	}
	return err
}

func instrumentTarget(ctx context.Context, o Options, cache, work string, buildFlags []string) (*instrument.Result, error) {
	overlay := filepath.Join(work, "overlay")
	if err := os.MkdirAll(overlay, 0o755); err != nil {
		return nil, fmt.Errorf("create overlay directory: %w", err)
	}
	inst, err := instrument.Instrument(ctx, instrument.Config{
		Dir: o.Dir, Patterns: o.Patterns, Tests: o.Test, BuildFlags: loadFlags(buildFlags),
		WorkDir: overlay, Runtime: runtimeFS(), CacheDir: cache, Explore: o.Explore,
	})
	var le *instrument.LoadError
	if errors.As(err, &le) {
		return nil, &BuildError{Output: le.Error()}
	}
	return inst, err
}

// loadFlags keeps the build flags that change which files and modules are
// loaded: -tags and -mod.
func loadFlags(build []string) []string {
	var out []string
	for i, f := range build {
		if strings.HasPrefix(f, "-tags") || strings.HasPrefix(f, "-mod") && !strings.HasPrefix(f, "-modfile") {
			out = append(out, f)
			if !strings.Contains(f, "=") && i+1 < len(build) {
				out = append(out, build[i+1])
			}
		}
	}
	return out
}

// target is one built binary to run.
type target struct {
	pkg, bin, dir string
	args          []string
}

// targets are the runs of b's binaries, with binFlags.
func (b *build) targets(o Options, binFlags []string) []target {
	var out []target
	for _, bin := range b.Binaries {
		t := target{pkg: bin.Package, bin: filepath.Join(b.dir, "bin", bin.File), dir: bin.Dir, args: binFlags}
		if o.Test {
			t.args = testBinaryArgs(binFlags, o.Timeout)
		}
		out = append(out, t)
	}
	return out
}

// buildBinaries builds the program or the test binaries into b.dir/bin and
// lists them in b.
func buildBinaries(ctx context.Context, o Options, inst *instrument.Result, buildArgs []string, b *build) error {
	bin := filepath.Join(b.dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return fmt.Errorf("create build directory: %w", err)
	}
	if !o.Test {
		if len(inst.Packages) != 1 {
			return fmt.Errorf("run needs exactly one main package, %q matches %d", strings.Join(o.Patterns, " "), len(inst.Packages))
		}
		b.Binaries = []binary{{Package: inst.Packages[0], File: "target", Dir: o.Dir}}
		progress(o.Progress, "building %s", inst.Packages[0])
		args := append([]string{"build", "-o", filepath.Join(bin, "target")}, buildArgs...)
		return goBuild(ctx, inst, append(args, inst.Packages[0]))
	}
	for _, pkg := range inst.TestPackages {
		b.Binaries = append(b.Binaries, binary{Package: pkg, File: label(inst.ModulePath, pkg) + ".test", Dir: packageDir(inst, pkg)})
	}
	progress(o.Progress, "building %d test binaries", len(b.Binaries))
	return buildTests(ctx, inst, buildArgs, b.targets(o, nil))
}

// buildTests builds test binaries two at a time; the go command's cache
// shares the work between them.
func buildTests(ctx context.Context, inst *instrument.Result, buildArgs []string, targets []target) error {
	errs := make([]error, len(targets))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			args := append(append([]string{"test", "-c", "-o", t.bin}, buildArgs...), inst.TestFlags...)
			errs[i] = goBuild(ctx, inst, append(args, t.pkg))
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// goBuild runs the go command on the instrumented build, in the
// environment the user's own go command would have.
func goBuild(ctx context.Context, inst *instrument.Result, args []string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = inst.ModuleDir, inst.BuildEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		if len(out) == 0 {
			return fmt.Errorf("run go %s: %w", args[0], err)
		}
		return &BuildError{Output: string(out)}
	}
	return nil
}

// testBinaryArgs gives the test binary a deadline of its own beyond ours, so
// that lockscope's snapshot, not the testing package's panic, comes first.
func testBinaryArgs(flags []string, timeout time.Duration) []string {
	args := append([]string{}, flags...)
	if !hasTestFlag(args, "timeout") {
		args = append(args, "-test.timeout="+(timeout+time.Minute).String())
	}
	return args
}

// runTargets runs every target o.Runs times. Within a repetition the test
// binaries of different packages run side by side, as many at once as
// GOMAXPROCS (go test's own default for -p), unless their output is echoed
// (--verbose), which keeps it in one piece per package. Processes are
// listed in target order whatever order they finish in. seeds, when not
// nil, gives each repetition's exploration seed (indexed by run); extra is
// added to every target's environment.
func runTargets(ctx context.Context, o Options, targets []target, artifacts string, seeds []uint64, extra []string) []*Process {
	parallel := runtime.GOMAXPROCS(0)
	if o.Echo != nil || !o.Test {
		parallel = 1
	}
	var procs []*Process
	for run := 1; run <= o.Runs; run++ {
		batch := make([]*Process, len(targets))
		sem := make(chan struct{}, parallel)
		var wg sync.WaitGroup
		for i, t := range targets {
			batch[i] = newProcess(o, t, run, artifacts)
			progress(o.Progress, "running %s (run %d of %d, timeout %s)", t.pkg, run, o.Runs, o.Timeout)
			if seeds != nil {
				batch[i].Seed = seeds[run]
			}
			wg.Add(1)
			sem <- struct{}{}
			go func(p *Process, t target) {
				defer wg.Done()
				defer func() { <-sem }()
				runTarget(ctx, o, t, p, extra, seeds != nil)
			}(batch[i], t)
		}
		wg.Wait()
		procs = append(procs, batch...)
	}
	return procs
}

// newProcess is the record of run number run of t, with its artifacts'
// paths.
func newProcess(o Options, t target, run int, artifacts string) *Process {
	name := filepath.Base(t.bin)
	if o.Runs > 1 {
		name = fmt.Sprintf("%s.run%d", name, run)
	}
	return &Process{
		Run: run, Package: t.pkg, Dir: t.dir,
		OutputPath:    filepath.Join(artifacts, name+".output.log"),
		EventsPath:    filepath.Join(artifacts, name+".events.jsonl"),
		ProfilePrefix: filepath.Join(artifacts, name),
		TracePath:     filepath.Join(artifacts, name+".trace"),
	}
}

// runTarget runs t once into p, with extra in its environment and, when
// seeded, p.Seed as its exploration seed.
func runTarget(ctx context.Context, o Options, t target, p *Process, extra []string, seeded bool) {
	env := append(os.Environ(), "LOCKSCOPE_EVENTS="+p.EventsPath, "LOCKSCOPE_PROFILES="+p.ProfilePrefix,
		"LOCKSCOPE_TRACE="+p.TracePath)
	env = append(env, extra...)
	if seeded {
		env = append(env, fmt.Sprintf("LOCKSCOPE_SEED=%d", p.Seed))
	}
	race := strings.TrimSuffix(p.EventsPath, ".events.jsonl") + ".race"
	if o.Race {
		env = append(env, raceEnv(os.Getenv("GORACE"), race))
	}
	runProcess(ctx, spec{path: t.bin, args: t.args, dir: t.dir, env: env, timeout: o.Timeout, echo: o.Echo}, p)
	if o.Race {
		p.RaceLogs, _ = filepath.Glob(race + ".*") // log_path appends the PID
	}
	collect(p)
}

// raceEnv is the GORACE setting of a race-enabled target: the user's own
// options, then every report into files prefix.PID (kept apart from the
// target's output), no stop at the first race and no second of sleep at
// exit after one. The exit code stays the race detector's default, 66. A
// prefix with a space cannot be said in GORACE; the reports then stay in
// the output.
func raceEnv(user, prefix string) string {
	opts := strings.TrimSpace(user + " halt_on_error=0 atexit_sleep_ms=0")
	if !strings.ContainsAny(prefix, " \t") {
		opts += " log_path=" + prefix
	}
	return "GORACE=" + opts
}

func packageDir(inst *instrument.Result, pkg string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, inst.ModulePath), "/")
	return filepath.Join(inst.ModuleDir, filepath.FromSlash(rel))
}

// label turns an import path into a file name: the path inside the module
// with slashes as underscores, or the module's last element for its root.
func label(modPath, pkg string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, modPath), "/")
	if rel == "" {
		rel = filepath.Base(modPath)
	}
	return strings.NewReplacer("/", "_", ".", "_").Replace(rel)
}

func goVersion(dir string) string {
	cmd := exec.Command("go", "env", "GOVERSION")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func resetDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clear %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func progress(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, "lockscope: "+format+"\n", args...)
	}
}
