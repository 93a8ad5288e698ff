package scenarios

import (
	"fmt"
	"go/token"
	"slices"
	"strings"

	"github.com/lockscope/lockscope/findings"
)

// runFlags are the flags a scenario's flags line may name: lockscope run
// flags without a value.
var runFlags = []string{"--race", "--explore"}

// parse parses the scenario.md file of the scenario in directory name. Its
// errors start with the line they are about. Line ends may be "\n" or
// "\r\n".
func parse(name string, data []byte) (*Scenario, error) {
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		lines[i] = strings.TrimSuffix(line, "\r")
	}
	title, ok := strings.CutPrefix(lines[0], "# ")
	if !ok {
		return nil, fmt.Errorf("line 1: want %q, got %q", "# "+name, lines[0])
	}
	if title != name {
		return nil, fmt.Errorf("line 1: scenario is called %q, but its directory is %q", title, name)
	}
	s := &Scenario{Name: name}
	n := 1 // index of the current line; its number is n+1
	for ; ; n++ {
		if n == len(lines) {
			return nil, fmt.Errorf("line %d: header has no end: want a line %q", n, "---")
		}
		if lines[n] == "---" {
			break
		}
		if err := s.header(lines[n]); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
	}
	switch {
	case s.Title == "":
		return nil, fmt.Errorf("line %d: header has no title", n+1)
	case s.Concept == "":
		return nil, fmt.Errorf("line %d: header has no concept", n+1)
	case len(s.Expect) == 0:
		return nil, fmt.Errorf("line %d: header has no expect line", n+1)
	}
	s.Narrative = strings.TrimSpace(strings.Join(lines[n+1:], "\n"))
	if s.Narrative == "" {
		return nil, fmt.Errorf("line %d: no narrative after %q", n+1, "---")
	}
	return s, nil
}

// header adds one "key: value" header line to s.
func (s *Scenario) header(line string) error {
	if strings.TrimSpace(line) == "" {
		return fmt.Errorf("blank line in header")
	}
	key, value, ok := strings.Cut(line, ":")
	if !ok {
		return fmt.Errorf("want %q or %q, got %q", "key: value", "---", line)
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return fmt.Errorf("%s has no value", key)
	}
	switch key {
	case "title", "concept":
		field := &s.Title
		if key == "concept" {
			field = &s.Concept
		}
		if *field != "" {
			return fmt.Errorf("second %s", key)
		}
		*field = value
	case "expect":
		e, err := parseExpect(value)
		if err != nil {
			return err
		}
		for _, prev := range s.Expect {
			if prev.Kind == e.Kind && slices.Equal(prev.Locks, e.Locks) {
				return fmt.Errorf("expect %s repeated", value)
			}
		}
		s.Expect = append(s.Expect, e)
	case "flags":
		if s.Flags != nil {
			return fmt.Errorf("second flags")
		}
		for _, f := range strings.Fields(value) {
			if !slices.Contains(runFlags, f) {
				return fmt.Errorf("flags: unknown flag %q (want %s)", f, strings.Join(runFlags, ", "))
			}
		}
		s.Flags = strings.Fields(value)
	default:
		return fmt.Errorf("unknown header key %q (want title, concept, expect or flags)", key)
	}
	return nil
}

// parseExpect parses the value of an expect line: a finding kind, then lock
// names.
func parseExpect(value string) (Expectation, error) {
	fields := strings.Fields(value)
	e := Expectation{Kind: findings.Kind(fields[0]), Locks: fields[1:]}
	if findings.Lookup(e.Kind) == nil {
		return Expectation{}, fmt.Errorf("expect: unknown finding kind %q", e.Kind)
	}
	for i, lock := range e.Locks {
		if !validLock(lock) {
			return Expectation{}, fmt.Errorf("expect: lock name %q is not Type.field, pkg.var or Func.var", lock)
		}
		if slices.Contains(e.Locks[:i], lock) {
			return Expectation{}, fmt.Errorf("expect: lock %s named twice", lock)
		}
	}
	return e, nil
}

// validLock reports whether lock has the form of a lock name: two Go
// identifiers joined by a dot.
func validLock(lock string) bool {
	qual, name, ok := strings.Cut(lock, ".")
	return ok && token.IsIdentifier(qual) && token.IsIdentifier(name)
}
