package findings

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Fingerprint is a short hex hash of a kind, lock keys and function names.
// Test, benchmark, fuzz and example function names count as one name, so
// that renaming a test that takes locks itself keeps its findings' IDs.
func Fingerprint(kind Kind, locks, funcs []string) string {
	norm := make([]string, len(funcs))
	for i, f := range funcs {
		norm[i] = testFuncName.ReplaceAllString(f, "${1}(test)${2}")
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", kind, strings.Join(locks, "\x01"), strings.Join(norm, "\x01"))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// testFuncName matches a Go test function's name inside a qualified
// function name: TestXxx, BenchmarkXxx, FuzzXxx, ExampleXxx, as the testing
// package recognises them (no lower-case letter right after the prefix).
var testFuncName = regexp.MustCompile(`(^|\.)(?:Test|Benchmark|Fuzz|Example)(?:[^\p{Ll}.][^.]*)?(\.|$)`)

// Sort orders by severity, kind, title, then ID.
func Sort(fs []Finding) []Finding {
	if fs == nil {
		fs = []Finding{}
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if c := a.Severity.Compare(b.Severity); c != 0 {
			return c < 0
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Title != b.Title {
			return a.Title < b.Title
		}
		return a.ID < b.ID
	})
	return fs
}
