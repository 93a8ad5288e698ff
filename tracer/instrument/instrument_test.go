package instrument

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
)

// instrumented is a testdata module after Instrument.
type instrumented struct {
	res     *Result
	dir     string            // the module directory
	overlay map[string]string // original path -> replacement path
}

// instrumentModule runs Instrument on testdata/<name> with the fake runtime.
func instrumentModule(t *testing.T, name string, tests bool) *instrumented {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Instrument(context.Background(), Config{
		Dir: dir, Tests: tests, WorkDir: t.TempDir(), Runtime: fakeRuntime(),
	})
	if err != nil {
		t.Fatalf("Instrument(%s): %v", name, err)
	}
	var ov struct{ Replace map[string]string }
	data, err := os.ReadFile(res.OverlayFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &ov); err != nil {
		t.Fatal(err)
	}
	return &instrumented{res: res, dir: dir, overlay: ov.Replace}
}

// fakeRuntime is testdata/fakert's runtime tree, whose lock methods print
// their site arguments.
func fakeRuntime() fs.FS {
	return os.DirFS(filepath.Join("testdata", "fakert", "tracer"))
}

// rewritten returns the overlay text of file rel (relative to the module).
func (in *instrumented) rewritten(t *testing.T, rel string) string {
	t.Helper()
	repl, ok := in.overlay[filepath.Join(in.dir, rel)]
	if !ok {
		t.Fatalf("%s is not in the overlay", rel)
	}
	data, err := os.ReadFile(repl)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// classNames returns the sorted distinct class names of the sites in rel.
func (in *instrumented) classNames(rel string) []string {
	var names []string
	for _, s := range in.res.Sites.Sites[1:] {
		if s.Frame.File == filepath.Join(in.dir, rel) && !slices.Contains(names, in.res.Sites.Classes[s.Class].Name) {
			names = append(names, in.res.Sites.Classes[s.Class].Name)
		}
	}
	slices.Sort(names)
	return names
}

func (in *instrumented) class(t *testing.T, name string) event.Class {
	t.Helper()
	for _, c := range in.res.Sites.Classes[1:] {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no class %q", name)
	return event.Class{}
}

func TestRewrite(t *testing.T) {
	cases := instrumentModule(t, "cases", false)
	dl := instrumentModule(t, "deadlockmod", false)
	tests := []struct {
		name, file string
		in         *instrumented
		want       []string // substrings of the rewritten file
		classes    []string // class names of the file's sites
	}{
		{"field", "field/field.go", cases, []string{"mu   lockscopert.RWMutex", "s.mu.RLockAt(0x", "defer s.mu.RUnlock()", "s.mu.TryLockAt(0x", "s.mu.TryRLockAt(0x", "s.mu.LockAt(0x", `import _ "sync"`}, []string{"field.Store.mu"}},
		{"same name in two packages", "dup/dup.go", cases, []string{"mu lockscopert.Mutex"}, []string{"dup.Store.mu"}},
		{"embedded", "embedded/embedded.go", cases, []string{"\tlockscopert.Mutex\n", "\tlockscopert.RWMutex\n", "c.LockAt(0x", "o.LockAt(0x", "state.LockAt(0x"}, []string{"Cache.Mutex", "embedded.state.RWMutex"}},
		{"pointer", "pointer/pointer.go", cases, []string{"mu   *lockscopert.Mutex", "&lockscopert.Mutex{}", "n.mu.LockAt(0x", "(*p).LockAt(0x"}, []string{"Node.Visit.p", "Node.mu"}},
		{"package var", "pkgvar/pkgvar.go", cases, []string{"var registryMu lockscopert.Mutex", "registryMu.LockAt(0x", "tableMu.RLockAt(0x"}, []string{"pkgvar.registryMu", "pkgvar.tableMu"}},
		{"local", "local/local.go", cases, []string{"var mu lockscopert.Mutex", "ls[0].LockAt(0x", "locks()[0].LockAt(0x", "m.LockAt(0x"}, []string{"Index.ls", "Index:23", "Index:24", "Param.m", "Transfer.mu"}},
		{"composite literal", "complit/complit.go", cases, []string{"var global = lockscopert.Mutex{}", "T{mu: &lockscopert.Mutex{}}", "global.LockAt(0x"}, []string{"T.mu", "complit.global"}},
		{"new", "newmu/newmu.go", cases, []string{"rw := new(lockscopert.RWMutex)", "rw.RLockAt(0x"}, []string{"Run.rw"}},
		{"generics", "generics/generics.go", cases, []string{"Pair[lockscopert.Mutex, *lockscopert.RWMutex]", "p.a.LockAt(0x", "g.mu.LockAt(0x", "l.Lock()\n", "sync.Locker"}, []string{"Guarded.mu", "Pair.a"}},
		{"alias import", "alias/alias.go", cases, []string{`import _ "sync"`, "type Mu = lockscopert.Mutex", "rw lockscopert.RWMutex", "b.rw.RLockAt(0x"}, []string{"Box.mu", "Box.rw"}},
		{"dot import", "dotimport/dot.go", cases, []string{`import _ "sync"`, "mu lockscopert.Mutex", "struct{ lockscopert.RWMutex }", "e.LockAt(0x"}, []string{"D.mu", "E.RWMutex"}},
		{"sync.Locker", "locker/locker.go", cases, []string{`import "sync"`, "sync.Locker", "l.Lock()\n", "f := s.mu.Lock\n", "s.mu.Unlock()"}, []string{"S.mu"}},
		{"sync.NewCond", "cond/cond.go", cases, []string{`import "sync"`, "sync.NewCond(&q.mu)", "q.mu.LockAt(0x", "*sync.Cond"}, []string{"Queue.mu"}},
		{"os.Exit", "exit/exit.go", cases, []string{`import _ "os"`, "lockscopert.Exit(2)"}, nil},
		{"go-deadlock", "dl.go", dl, []string{`import _ "github.com/sasha-s/go-deadlock"`, "mu lockscopert.Mutex", "rw lockscopert.RWMutex", "c.rw.RLockAt(0x"}, []string{"Conn.mu", "Conn.rw"}},
		{"go-deadlock still used", "opts.go", dl, []string{`import deadlock "github.com/sasha-s/go-deadlock"`, "deadlock.Opts", "var gate lockscopert.Mutex"}, []string{"deadlockmod.gate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.rewritten(t, tt.file)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("rewritten %s lacks %q:\n%s", tt.file, w, got)
				}
			}
			if names := tt.in.classNames(tt.file); !slices.Equal(names, tt.classes) {
				t.Errorf("classes of %s = %q, want %q", tt.file, names, tt.classes)
			}
		})
	}
}

func TestClassKinds(t *testing.T) {
	in := instrumentModule(t, "cases", false)
	tests := []struct {
		name, kind string
		rw         bool
		declLine   int
	}{
		{"field.Store.mu", "field", true, 6},
		{"Cache.Mutex", "field", false, 6},
		{"pkgvar.registryMu", "var", false, 5},
		{"Transfer.mu", "local", false, 6},
		{"Param.m", "local", false, 27},
		{"Index:23", "site", false, 23},
		{"Guarded.mu", "field", false, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := in.class(t, tt.name)
			if c.Kind != tt.kind || c.RW != tt.rw || c.Decl.Line != tt.declLine || !filepath.IsAbs(c.Decl.File) {
				t.Errorf("class %s = %+v, want kind %s rw %v decl line %d", tt.name, c, tt.kind, tt.rw, tt.declLine)
			}
		})
	}
	if c := in.class(t, "field.Store.mu"); c.Key != "example.com/cases/field.Store.mu" {
		t.Errorf("key = %q", c.Key)
	}
}

var siteArg = regexp.MustCompile(`\.(\w+)At\((0x[0-9a-f]+)\)`)

// TestSitesMatchCalls checks every site argument in the rewritten files
// against the table: same op, same line, and lines kept everywhere.
func TestSitesMatchCalls(t *testing.T) {
	in := instrumentModule(t, "cases", false)
	seen := 0
	for orig := range in.overlay {
		src, err := os.ReadFile(orig)
		if err != nil {
			t.Fatal(err)
		}
		got := in.rewritten(t, strings.TrimPrefix(orig, in.dir+string(filepath.Separator)))
		if strings.Count(got, "\n") != strings.Count(string(src), "\n") {
			t.Errorf("%s: rewritten file has a different number of lines", orig)
		}
		for i, line := range strings.Split(got, "\n") {
			for _, m := range siteArg.FindAllStringSubmatch(line, -1) {
				p, _ := strconv.ParseUint(m[2], 0, 64)
				class, id := event.Unpack(p)
				s := in.res.Sites.Sites[id]
				if s.Op != m[1] || s.Class != class || s.Frame.Line != i+1 || s.Frame.File != orig {
					t.Errorf("%s:%d: %s passes %s, table has %+v", orig, i+1, m[0], m[2], s)
				}
				seen++
			}
		}
	}
	if seen == 0 {
		t.Fatal("no site arguments found")
	}
}

func TestIDsDense(t *testing.T) {
	in := instrumentModule(t, "cases", false)
	for i, c := range in.res.Sites.Classes[1:] {
		if c.ID != int32(i+1) {
			t.Errorf("class %d has ID %d", i+1, c.ID)
		}
	}
	for i, s := range in.res.Sites.Sites[1:] {
		if s.ID != int32(i+1) || s.Class <= 0 {
			t.Errorf("site %d = %+v", i+1, s)
		}
	}
}

func TestNameCollision(t *testing.T) {
	in := instrumentModule(t, "collide", false)
	got := in.rewritten(t, "c.go")
	if !strings.Contains(got, "var mu lockscopert1.Mutex") || !strings.Contains(got, `lockscopert1 "`+rtLockPath+`"`) {
		t.Errorf("runtime import name collides:\n%s", got)
	}
	main := in.rewritten(t, "cmd/tool/main.go")
	if !strings.Contains(main, "func lockscopeUserMain1()") || !strings.Contains(main, "var lockscopeUserMain lockscopert1.Mutex") {
		t.Errorf("main rename collides:\n%s", main)
	}
	if names := in.classNames("cmd/tool/main.go"); !slices.Equal(names, []string{"main.lockscopeUserMain"}) {
		t.Errorf("classes = %q", names)
	}
}

func TestLoadError(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join("testdata", "broken"))
	_, err := Instrument(context.Background(), Config{Dir: dir, WorkDir: t.TempDir(), Runtime: fakeRuntime()})
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want *LoadError", err)
	}
	want := filepath.Join(dir, "broken.go") + ":7:13: cannot use"
	if len(le.Messages) != 1 || !strings.HasPrefix(le.Messages[0], want) || !strings.Contains(err.Error(), le.Messages[0]) {
		t.Errorf("messages = %q, want one starting %q", le.Messages, want)
	}
}

// TestCgoFile checks that a file with import "C", which the type checker
// sees only in cgo's translation, is rewritten in place: its lock type
// and calls, at the original file's lines, with the C preamble intact.
func TestCgoFile(t *testing.T) {
	in := instrumentModule(t, "cgo", false)
	got := in.rewritten(t, "add.go")
	for _, want := range []string{"mu    lockscopert.Mutex", "a.mu.LockAt(", "import \"C\"", "static int add(int a, int b)", "C.add(C.int(x), C.int(y))"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten add.go lacks %q:\n%s", want, got)
		}
	}
	if c := in.class(t, "Adder.mu"); c.Decl.File != filepath.Join(in.dir, "add.go") || c.Decl.Line != 13 {
		t.Errorf("Adder.mu = %+v, want declared at add.go:13", c)
	}
	if n := len(strings.Split(got, "\n")); n != 24 { // 23 lines and the final newline
		t.Errorf("rewritten add.go has %d lines, want 24 (no line moves)", n)
	}
}

// TestTestStart: the rewriter starts every test function and every
// function literal passed to t.Run with the runtime's TestStart, on the
// brace's line, and nothing else.
func TestTestStart(t *testing.T) {
	in := instrumentModule(t, "teststart", true)
	got := in.rewritten(t, "ts_test.go")
	for _, w := range []string{
		"func TestTwice(t *testing.T) {lockscopert.TestStart(t);\n",
		`t.Run("sub", func(t *testing.T) {lockscopert.TestStart(t); t.Log("sub") })`,
		"func TestOneLine(tt *testing.T) {lockscopert.TestStart(tt); Twice(1) }",
		"func ExampleTwice() {defer lockscopert.ExampleStart(\"ExampleTwice\")();\n",
		"func Examplelower() {}",
		"func ExampleTwice_args(x int) {}",
		`import lockscopert "github.com/lockscope/lockscope/tracer/lockrt"`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("rewritten ts_test.go lacks %q:\n%s", w, got)
		}
	}
	if n := strings.Count(got, ".ExampleStart("); n != 1 {
		t.Errorf("%d ExampleStart calls, want 1 (ExampleTwice):\n%s", n, got)
	}
	if n := strings.Count(got, ".TestStart("); n != 3 {
		t.Errorf("%d TestStart calls, want 3 (TestTwice, its literal, TestOneLine):\n%s", n, got)
	}
	orig, err := os.ReadFile(filepath.Join(in.dir, "ts_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(got, "\n") != strings.Count(string(orig), "\n") {
		t.Errorf("the rewrite moved lines")
	}
}
