package scenarios

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockscope/lockscope/findings"
)

// catalogueNames is the catalogue's table of contents.
var catalogueNames = []string{
	"bank-transfer",
	"chat-broadcast",
	"cluster-heartbeat",
	"counter-race",
	"debug-by-tracing",
	"dining-philosophers",
	"double-lock",
	"errgroup-siblings",
	"gate-lock",
	"global-cache-race",
	"goroutine-leak",
	"graceful-shutdown",
	"half-locked-field",
	"http-hot-lock",
	"lazy-init-race",
	"lock-timeout",
	"lost-wakeup",
	"order-book-callback",
	"panic-holding-lock",
	"pool-close-race",
	"pool-starvation",
	"producer-consumer",
	"rate-limiter",
	"rwmutex-recursive-read",
	"semaphore-leak",
	"waitgroup-mismatch",
	"worker-panic",
	"worker-pool-results",
}

// locklessKinds are finding kinds that need not be about a lock: a
// goroutine blocked on a channel, a hung or failed target.
var locklessKinds = []findings.Kind{"blocked-forever", "hang", "target-failure"}

func TestAll(t *testing.T) {
	var names []string
	for _, s := range All() {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, catalogueNames) {
		t.Fatalf("All() names = %q, want %q", names, catalogueNames)
	}
}

func TestScenario(t *testing.T) {
	for _, s := range All() {
		t.Run(s.Name, func(t *testing.T) {
			if s.Title == "" || s.Concept == "" {
				t.Errorf("title %q, concept %q: want both", s.Title, s.Concept)
			}
			if n := strings.Count(s.Narrative, "\n") + 1; n < 10 || n > 30 {
				t.Errorf("narrative has %d lines, want 10 to 30", n)
			}
			if !slices.Contains(beforeWorkshop, s.Name) && !strings.Contains(s.Narrative, "\n**Coming from Python.** ") {
				t.Errorf("narrative has no paragraph starting **Coming from Python.**")
			}
			if len(s.Expect) == 0 {
				t.Fatal("no expect line")
			}
			if !slices.Equal(s.Variants(), []string{Buggy, Fixed}) {
				t.Errorf("Variants() = %q, want buggy and fixed", s.Variants())
			}
			buggy := parseVariant(t, s, Buggy)
			parseVariant(t, s, Fixed)
			for _, e := range s.Expect {
				if findings.Lookup(e.Kind) == nil {
					t.Errorf("expect %s: unknown kind", e.Kind)
				}
				if len(e.Locks) == 0 && !slices.Contains(locklessKinds, e.Kind) {
					t.Errorf("expect %s: names no lock", e.Kind)
				}
				for i, lock := range e.Locks {
					if e.Kind == "data-race" && i == 0 {
						// the raced variable, of any type
						if !declares(buggy, lock, func(ast.Expr) bool { return true }) {
							t.Errorf("expect %s: buggy variant declares no field or package variable %s", e.Kind, lock)
						}
						continue
					}
					if !declaresLock(buggy, lock) {
						t.Errorf("expect %s: buggy variant declares no sync.Mutex or sync.RWMutex %s", e.Kind, lock)
					}
				}
				if race := slices.ContainsFunc(s.Expect, func(e Expectation) bool { return e.Kind == "data-race" }); race != slices.Contains(s.Flags, "--race") {
					t.Errorf("expects a data race: %v, but flags %q", race, s.Flags)
				}
			}
		})
	}
}

// parseVariant parses every file of a variant of s, and checks that they
// form a package main with a func main.
func parseVariant(t *testing.T, s *Scenario, variant string) []*ast.File {
	t.Helper()
	files, err := s.Files(variant)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var parsed []*ast.File
	hasMain := false
	for name, src := range files {
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("%s: %v", variant, err)
		}
		if f.Name.Name != "main" {
			t.Errorf("%s/%s: package %s, want main", variant, name, f.Name.Name)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "main" {
				hasMain = true
			}
		}
		parsed = append(parsed, f)
	}
	if !hasMain {
		t.Errorf("%s: no func main", variant)
	}
	return parsed
}

// declaresLock reports whether files declare the lock called name, as a
// struct field (Type.field) or a package variable (main.var) of type
// sync.Mutex or sync.RWMutex.
func declaresLock(files []*ast.File, name string) bool { return declares(files, name, isMutex) }

// declares reports whether files declare name as a struct field
// (Type.field) or a package variable (main.var) whose type is of.
func declares(files []*ast.File, name string, of func(ast.Expr) bool) bool {
	qual, field, _ := strings.Cut(name, ".")
	for _, f := range files {
		for _, d := range f.Decls {
			gen, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gen.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					st, ok := spec.Type.(*ast.StructType)
					if ok && spec.Name.Name == qual && hasField(st.Fields.List, field, of) {
						return true
					}
				case *ast.ValueSpec:
					if qual == "main" && of(spec.Type) && slices.ContainsFunc(spec.Names, func(id *ast.Ident) bool { return id.Name == field }) {
						return true
					}
				}
			}
		}
	}
	return false
}

func hasField(fields []*ast.Field, name string, of func(ast.Expr) bool) bool {
	for _, f := range fields {
		for _, id := range f.Names {
			if id.Name == name && of(f.Type) {
				return true
			}
		}
	}
	return false
}

func isMutex(typ ast.Expr) bool {
	sel, ok := typ.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "sync" && (sel.Sel.Name == "Mutex" || sel.Sel.Name == "RWMutex")
}

func TestLookup(t *testing.T) {
	for _, name := range catalogueNames {
		s, ok := Lookup(name)
		if !ok || s.Name != name {
			t.Errorf("Lookup(%q) = %v, %v; want the scenario", name, s, ok)
		}
	}
	for _, name := range []string{"", "no-such-scenario", "Bank-Transfer", "bank-transfer/buggy", "..", "."} {
		if s, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) = %v, true; want none", name, s)
		}
	}
}

func TestFilesErrors(t *testing.T) {
	s, _ := Lookup("bank-transfer")
	if _, err := s.Files("broken"); err == nil || !strings.Contains(err.Error(), `unknown variant "broken"`) {
		t.Errorf(`Files("broken") error = %v, want unknown variant`, err)
	}
	for _, name := range []string{"no-such-scenario", "../scenarios", ""} {
		s := &Scenario{Name: name}
		if _, err := s.Files(Buggy); err == nil {
			t.Errorf("Files of scenario %q: no error", name)
		}
	}
}

func TestParse(t *testing.T) {
	const narrative = "---\nThe story.\n"
	tests := []struct {
		name string
		in   string
		want *Scenario // nil when in is malformed
		err  string    // what the error must contain
	}{{
		name: "good",
		in:   "# demo\ntitle: A title\nconcept: A concept\nexpect: lock-order-cycle A.mu B.mu\n" + narrative,
		want: &Scenario{Name: "demo", Title: "A title", Concept: "A concept", Narrative: "The story.",
			Expect: []Expectation{{Kind: "lock-order-cycle", Locks: []string{"A.mu", "B.mu"}}}},
	}, {
		name: "crlf, any header order, several expects, no locks",
		in:   "# demo\r\nexpect: hang\r\nexpect:  lock-leak   main.regMu \r\nconcept: c\r\ntitle:  t \r\n---\r\n\r\nLine 1.\r\nLine 2.\r\n",
		want: &Scenario{Name: "demo", Title: "t", Concept: "c", Narrative: "Line 1.\nLine 2.",
			Expect: []Expectation{{Kind: "hang", Locks: []string{}}, {Kind: "lock-leak", Locks: []string{"main.regMu"}}}},
	}, {
		name: "flags",
		in:   "# demo\ntitle: t\nconcept: c\nflags: --race\nexpect: data-race Cache.entries Cache.mu\n" + narrative,
		want: &Scenario{Name: "demo", Title: "t", Concept: "c", Narrative: "The story.", Flags: []string{"--race"},
			Expect: []Expectation{{Kind: "data-race", Locks: []string{"Cache.entries", "Cache.mu"}}}},
	}, {
		name: "unknown flag", in: "# demo\nflags: --race --runs=3\n", err: `line 2: flags: unknown flag "--runs=3"`,
	}, {
		name: "second flags", in: "# demo\nflags: --race\nflags: --race\n", err: "line 3: second flags",
	}, {
		name: "empty", in: "", err: `line 1: want "# demo", got ""`,
	}, {
		name: "no name line", in: "title: t\n", err: `line 1: want "# demo"`,
	}, {
		name: "wrong name", in: "# other\n", err: `line 1: scenario is called "other", but its directory is "demo"`,
	}, {
		name: "no separator", in: "# demo\ntitle: t\nconcept: c\nexpect: hang", err: `line 4: header has no end`,
	}, {
		name: "blank header line", in: "# demo\ntitle: t\n\nconcept: c\n", err: "line 3: blank line in header",
	}, {
		name: "no colon", in: "# demo\ntitle t\n", err: `line 2: want "key: value" or "---", got "title t"`,
	}, {
		name: "unknown key", in: "# demo\nTitle: t\n", err: `line 2: unknown header key "Title"`,
	}, {
		name: "empty value", in: "# demo\ntitle:  \n", err: "line 2: title has no value",
	}, {
		name: "second title", in: "# demo\ntitle: t\ntitle: u\n", err: "line 3: second title",
	}, {
		name: "no title", in: "# demo\nconcept: c\nexpect: hang\n" + narrative, err: "line 4: header has no title",
	}, {
		name: "no concept", in: "# demo\ntitle: t\nexpect: hang\n" + narrative, err: "line 4: header has no concept",
	}, {
		name: "no expect", in: "# demo\ntitle: t\nconcept: c\n" + narrative, err: "line 4: header has no expect line",
	}, {
		name: "unknown kind", in: "# demo\nexpect: deadlock A.mu\n", err: `line 2: expect: unknown finding kind "deadlock"`,
	}, {
		name: "bad lock name", in: "# demo\nexpect: double-lock mu\n", err: `line 2: expect: lock name "mu" is not`,
	}, {
		name: "lock name with two dots", in: "# demo\nexpect: double-lock a.B.mu\n", err: `lock name "a.B.mu"`,
	}, {
		name: "lock named twice", in: "# demo\nexpect: lock-order-cycle A.mu A.mu\n", err: "line 2: expect: lock A.mu named twice",
	}, {
		name: "repeated expect", in: "# demo\nexpect: hang\nexpect: hang\n", err: "line 3: expect hang repeated",
	}, {
		name: "no narrative", in: "# demo\ntitle: t\nconcept: c\nexpect: hang\n---\n \n", err: `line 5: no narrative after "---"`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse("demo", []byte(tt.in))
			if tt.want == nil {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("parse error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !equal(got, tt.want) {
				t.Errorf("parse = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func equal(a, b *Scenario) bool {
	return a.Name == b.Name && a.Title == b.Title && a.Concept == b.Concept && a.Narrative == b.Narrative &&
		slices.Equal(a.Flags, b.Flags) &&
		slices.EqualFunc(a.Expect, b.Expect, func(x, y Expectation) bool {
			return x.Kind == y.Kind && slices.Equal(x.Locks, y.Locks)
		})
}

func FuzzParse(f *testing.F) {
	for _, name := range catalogueNames {
		data, err := catalogue.ReadFile(name + "/scenario.md")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parse("demo", data)
		if err != nil {
			return
		}
		if s.Title == "" || s.Concept == "" || s.Narrative == "" || len(s.Expect) == 0 {
			t.Errorf("parse accepted an incomplete scenario: %+v", s)
		}
	})
}

// runLimit is how long a variant may run before it is taken for deadlocked.
// Each ends in well under a second; the margin is for a loaded machine
// building and running every variant at once (this is a deadlock guard, not
// a speed check).
const runLimit = 30 * time.Second

// TestRun builds every variant with the plain Go toolchain, as a module of
// its own, and runs it with plain sync: fixed variants and buggy variants
// alike must exit 0 within runLimit, since buggy ones order their
// conflicting paths so as not to deadlock. A buggy variant that expects a
// double lock deadlocks by design with plain sync, so it is only vetted;
// one that expects a target failure must exit non-zero.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every variant")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("no go command:", err)
	}
	for _, s := range All() {
		for _, variant := range s.Variants() {
			t.Run(s.Name+"/"+variant, func(t *testing.T) {
				t.Parallel()
				dir := writeModule(t, s, variant)
				if variant == Buggy && slices.ContainsFunc(s.Expect, func(e Expectation) bool { return e.Kind == "double-lock" }) {
					goCommand(t, goTool, dir, "vet", ".")
					return
				}
				goCommand(t, goTool, dir, "build", "-o", "scenario.exe", ".")
				ctx, cancel := context.WithTimeout(t.Context(), runLimit)
				defer cancel()
				cmd := exec.CommandContext(ctx, filepath.Join(dir, "scenario.exe"))
				cmd.WaitDelay = time.Second
				out, err := cmd.CombinedOutput()
				if ctx.Err() != nil {
					t.Fatalf("still running after %v: deadlocked?\n%s", runLimit, out)
				}
				crashes := variant == Buggy && slices.ContainsFunc(s.Expect, func(e Expectation) bool { return e.Kind == "target-failure" })
				if variant == Buggy && slices.Contains(s.Flags, "--explore") {
					return // its bug needs an interleaving plain runs almost never give
				}
				switch {
				case crashes && err == nil:
					t.Fatalf("exited 0, but the scenario expects the program to fail\n%s", out)
				case !crashes && err != nil:
					t.Fatalf("%v\n%s", err, out)
				}
			})
		}
	}
}

// beforeWorkshop are the scenarios written before the workshop's. They use
// language features newer than Go 1.20 (range over an int, per-iteration
// loop variables), and their narratives have no note for Python
// programmers. Every other scenario must build as Go 1.20, for users who
// copy one into an older module, and end with a "Coming from Python" note.
var beforeWorkshop = []string{
	"bank-transfer", "chat-broadcast", "counter-race", "dining-philosophers", "double-lock", "gate-lock",
	"global-cache-race", "goroutine-leak", "half-locked-field", "http-hot-lock", "lazy-init-race",
	"panic-holding-lock", "producer-consumer", "rwmutex-recursive-read", "waitgroup-mismatch", "worker-pool-results",
}

// TestGo120 vets every variant written for Go 1.20 as a module whose go
// line is 1.20: the type checker rejects newer features such as range
// over an int or the min and max builtins, and vet's loopclosure check
// reports a goroutine that captures a loop variable, which Go 1.20 shares
// between iterations.
func TestGo120(t *testing.T) {
	if testing.Short() {
		t.Skip("vets every variant")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("no go command:", err)
	}
	for _, s := range All() {
		if slices.Contains(beforeWorkshop, s.Name) {
			continue
		}
		for _, variant := range s.Variants() {
			t.Run(s.Name+"/"+variant, func(t *testing.T) {
				t.Parallel()
				dir := writeModuleVersion(t, s, variant, "1.20")
				goCommand(t, goTool, dir, "vet", ".")
			})
		}
	}
}

// writeModule writes one variant of s as a module in a new directory.
func writeModule(t *testing.T, s *Scenario, variant string) string {
	t.Helper()
	return writeModuleVersion(t, s, variant, "1.24")
}

// writeModuleVersion writes one variant of s as a module with the given go
// line in a new directory.
func writeModuleVersion(t *testing.T, s *Scenario, variant, goVersion string) string {
	t.Helper()
	files, err := s.Files(variant)
	if err != nil {
		t.Fatal(err)
	}
	files["go.mod"] = []byte("module example.com/scenario\n\ngo " + goVersion + "\n")
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// goCommand runs the go command with args in dir, isolated from any
// enclosing workspace and flags.
func goCommand(t *testing.T, goTool, dir string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
