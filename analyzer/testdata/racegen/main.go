//go:build ignore

// Command racegen regenerates the real race reports under testdata/race
// that the race-report parser is tested and fuzzed on. Each program of
// testdata/race/src/NAME is copied into a module of its own, built with
// -race -trimpath (so frames read "racegen/NAME/main.go" on every machine)
// and run; what it reported is saved as testdata/race/NAME.race (the
// GORACE log_path file) or, for programs whose reports are meant to mix
// with their output, NAME.output (standard output and error together). A
// test binary whose reports go to a file has both: its output is what
// lockscope sees of a test run under --race. Test binaries run with -test.v
// unless marked quiet, as lockscope runs them.
//
// Run from the analyzer directory: go run testdata/racegen/main.go [NAME...]
// (every program when no NAME is given).
package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// program is one generator input.
type program struct {
	name string
	src  string // the directory under testdata/race/src; name when ""
	test bool   // a package with tests, run as a test binary
	// quiet runs a test binary without -test.v.
	quiet bool
	// logFile keeps the reports apart (log_path); otherwise the whole
	// output is saved.
	logFile bool
}

var programs = []program{
	{name: "program", logFile: true},
	{name: "halflocked", logFile: true},
	{name: "test", test: true},
	{name: "interleaved"},
	{name: "outside", test: true, logFile: true, quiet: true},
	{name: "logged", test: true, logFile: true, quiet: true},
	{name: "logged-v", src: "logged", test: true, logFile: true},
}

func main() {
	for _, p := range programs {
		if len(os.Args) > 1 && !slices.Contains(os.Args[1:], p.name) {
			continue
		}
		if err := generate(p); err != nil {
			log.Fatalf("%s: %v", p.name, err)
		}
	}
}

func generate(p program) error {
	dir, err := os.MkdirTemp("", "racegen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if p.src == "" {
		p.src = p.name
	}
	src := filepath.Join("testdata", "race", "src", p.src)
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			return err
		}
	}
	mod := fmt.Sprintf("module racegen/%s\n\ngo 1.24\n", p.src)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return err
	}
	bin := filepath.Join(dir, "prog")
	build := []string{"build", "-race", "-trimpath", "-o", bin, "."}
	if p.test {
		build = []string{"test", "-c", "-race", "-trimpath", "-o", bin, "."}
	}
	if out, err := goCmd(dir, build...).CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %v\n%s", build[0], err, out)
	}
	run := exec.Command(bin)
	if p.test && !p.quiet {
		run.Args = append(run.Args, "-test.v")
	}
	run.Dir = dir
	gorace := "halt_on_error=0"
	if p.logFile {
		gorace += " log_path=" + filepath.Join(dir, "report")
	}
	run.Env = append(os.Environ(), "GORACE="+gorace)
	out, err := run.CombinedOutput()
	if code := run.ProcessState.ExitCode(); err != nil && code != 66 && code != 1 {
		return fmt.Errorf("run: %v\n%s", err, out)
	}
	dst := filepath.Join("testdata", "race", p.name+".output")
	if p.logFile {
		if p.test {
			if err := os.WriteFile(dst, out, 0o644); err != nil {
				return err
			}
		}
		logs, _ := filepath.Glob(filepath.Join(dir, "report.*"))
		if len(logs) != 1 {
			return fmt.Errorf("want one report file, got %q", logs)
		}
		if out, err = os.ReadFile(logs[0]); err != nil {
			return err
		}
		dst = filepath.Join("testdata", "race", p.name+".race")
	}
	if !strings.Contains(string(out), "WARNING: DATA RACE") {
		return fmt.Errorf("no race reported:\n%s", out)
	}
	return os.WriteFile(dst, out, 0o644)
}

func goCmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	return cmd
}
