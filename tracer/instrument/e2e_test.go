package instrument

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBuildAndRun instruments testdata/bank against the fake runtime,
// builds and runs its program and its tests for real, and checks that the
// site arguments reach the runtime and the user's files are untouched.
func TestBuildAndRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs")
	}
	dir, _ := filepath.Abs(filepath.Join("testdata", "bank"))
	before := snapshot(t, dir)
	in := instrumentModule(t, "bank", true)

	wantPkgs := []string{"example.com/bank", "example.com/bank/audit", "example.com/bank/cmd/bank"}
	if !slices.Equal(in.res.Packages, wantPkgs) || !slices.Equal(in.res.TestPackages, wantPkgs[:2]) {
		t.Errorf("Packages = %q, TestPackages = %q", in.res.Packages, in.res.TestPackages)
	}
	if vault := in.class(t, "Vault.Mu"); vault.Decl.File != filepath.Join(dir, "bank.go") || !vault.RW {
		t.Errorf("Vault.Mu = %+v, want declared in bank.go", vault)
	}
	bin := filepath.Join(t.TempDir(), "bank")
	goCmd(t, dir, in.res.BuildEnv(), append(append([]string{"build", "-o", bin}, in.res.BuildArgs()...), "./cmd/bank")...)
	out, err := exec.Command(bin).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Errorf("program exited with %v, want status 3 (os.Exit(3) through the runtime)\n%s", err, out)
	}
	for _, want := range []string{
		fmt.Sprintf("LockAt %#x\n", in.packed(t, "Account.mu", "Lock")),
		fmt.Sprintf("RLockAt %#x\n", in.packed(t, "Vault.Mu", "RLock")),
		"lockrt: exit 3\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("program output lacks %q:\n%s", want, out)
		}
	}

	for _, pkg := range []string{".", "./audit"} {
		test := filepath.Join(t.TempDir(), "pkg.test")
		goCmd(t, dir, in.res.BuildEnv(), append(append([]string{"test", "-c", "-o", test}, in.res.BuildArgs()...), pkg)...)
		out, err := exec.Command(test).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "lockrt: exit 0\n") {
			t.Errorf("%s tests: %v, want the exit hook's output:\n%s", pkg, err, out)
		}
	}
	if _, ok := in.overlay[filepath.Join(dir, "audit", "zz_lockscope_test.go")]; ok {
		t.Error("a TestMain hook was added to audit, which has its own TestMain")
	}
	if !strings.Contains(in.rewritten(t, "audit/audit_test.go"), "lockscopert.Exit(m.Run())") {
		t.Error("os.Exit in the user's TestMain was not rewritten")
	}
	if after := snapshot(t, dir); !maps.EqualFunc(before, after, bytes.Equal) {
		t.Error("the user's module directory changed")
	}
}

// packed returns the site argument of the first op call on class name.
func (in *instrumented) packed(t *testing.T, name, op string) uint64 {
	t.Helper()
	c := in.class(t, name)
	for _, s := range in.res.Sites.Sites[1:] {
		if s.Class == c.ID && s.Op == op {
			return s.Packed()
		}
	}
	t.Fatalf("no %s site of %s", op, name)
	return 0
}

// goCmd runs the go command in dir and fails the test if it fails.
func goCmd(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files[path], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestImportedPackages checks that main-module packages imported by the
// matched ones are rewritten too, while Packages lists only the matched.
func TestImportedPackages(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join("testdata", "bank"))
	res, err := Instrument(t.Context(), Config{
		Dir: filepath.Join(dir, "cmd", "bank"), Patterns: []string{"."},
		WorkDir: t.TempDir(), Runtime: fakeRuntime(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Packages, []string{"example.com/bank/cmd/bank"}) || len(res.TestPackages) != 0 {
		t.Errorf("Packages = %q, TestPackages = %q", res.Packages, res.TestPackages)
	}
	in := &instrumented{res: res, dir: dir}
	if c := in.class(t, "Account.mu"); c.Decl.File != filepath.Join(dir, "bank.go") {
		t.Errorf("Account.mu = %+v", c)
	}
	if res.RewrittenFiles != 2 {
		t.Errorf("RewrittenFiles = %d, want 2 (bank.go and main.go; audit is not imported)", res.RewrittenFiles)
	}
}
