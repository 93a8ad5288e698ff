package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lockscope/lockscope/findings"
)

// catalogue holds every scenario's files. Variant directories hold only Go
// files; anything else there is not part of the program.
//
//go:embed */scenario.md */buggy/*.go */fixed/*.go
var catalogue embed.FS

// The variants every scenario has.
const (
	Buggy = "buggy" // the program with the bug; lockscope's default
	Fixed = "fixed" // the same program with the idiomatic fix
)

// Scenario is one entry of the catalogue.
type Scenario struct {
	Name      string // directory name, such as "bank-transfer"
	Title     string // one line: what the buggy variant does wrong
	Concept   string // the concurrency concept it teaches
	Narrative string // Markdown: the bug, the interleaving, the fix, the report
	// Expect lists the findings the buggy variant must yield. The fixed
	// variant must yield none.
	Expect []Expectation
	// Flags are the lockscope run flags both variants need, such as
	// "--race" for a data race; nil for none.
	Flags []string
}

// Expectation is one finding a buggy variant must yield.
type Expectation struct {
	Kind  findings.Kind // such as "lock-order-cycle"
	Locks []string      // the lock names the finding is on, such as "Account.mu"
}

// All returns every scenario of the catalogue, sorted by name. Each call
// returns new values, which the caller may modify.
//
// All panics if the embedded catalogue is malformed, which the package's
// tests rule out.
func All() []*Scenario {
	entries, err := fs.ReadDir(catalogue, ".")
	if err != nil {
		panic(fmt.Sprintf("scenarios: %v", err))
	}
	var all []*Scenario
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		s, err := load(e.Name())
		if err != nil {
			panic(fmt.Sprintf("scenarios: built-in %v", err))
		}
		all = append(all, s)
	}
	slices.SortFunc(all, func(a, b *Scenario) int { return strings.Compare(a.Name, b.Name) })
	return all
}

// Lookup returns the scenario called name, and whether there is one.
func Lookup(name string) (*Scenario, bool) {
	if !validName(name) {
		return nil, false
	}
	s, err := load(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		panic(fmt.Sprintf("scenarios: built-in %v", err))
	}
	return s, true
}

// Variants returns the names of s's variants: "buggy" and "fixed".
func (s *Scenario) Variants() []string { return []string{Buggy, Fixed} }

// Files returns the Go source files of one variant of s, by file name.
func (s *Scenario) Files(variant string) (map[string][]byte, error) {
	if !slices.Contains(s.Variants(), variant) {
		return nil, fmt.Errorf("scenario %s: unknown variant %q (want %s)",
			s.Name, variant, strings.Join(s.Variants(), " or "))
	}
	if !validName(s.Name) {
		return nil, fmt.Errorf("no scenario called %q", s.Name)
	}
	dir := path.Join(s.Name, variant)
	entries, err := fs.ReadDir(catalogue, dir)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	files := make(map[string][]byte)
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".go" {
			continue
		}
		data, err := fs.ReadFile(catalogue, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
		}
		files[e.Name()] = data
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("scenario %s: variant %s has no Go files", s.Name, variant)
	}
	return files, nil
}

// load reads and parses the scenario in directory name.
func load(name string) (*Scenario, error) {
	data, err := fs.ReadFile(catalogue, path.Join(name, "scenario.md"))
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	s, err := parse(name, data)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: scenario.md: %w", name, err)
	}
	return s, nil
}

// validName reports whether name can be a scenario's name: lower-case
// letters and digits, in words joined by single hyphens.
func validName(name string) bool {
	if name == "" || strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") ||
		strings.Contains(name, "--") {
		return false
	}
	for _, r := range name {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// GoVersion is the go line of a scenario's module: the oldest Go release
// whose language every program of the catalogue is written in (range over
// integers, per-iteration loop variables).
const GoVersion = "1.22"

// WriteModule lays files, a variant of s (Files), out in dir as a module
// of its own: lockscope.scenario/NAME at GoVersion.
func (s *Scenario) WriteModule(dir string, files map[string][]byte) error {
	gomod := fmt.Sprintf("module lockscope.scenario/%s\n\ngo %s\n", s.Name, GoVersion)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return fmt.Errorf("write scenario module: %w", err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), data, 0o644); err != nil {
			return fmt.Errorf("write scenario module: %w", err)
		}
	}
	return nil
}
