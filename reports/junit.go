package reports

import (
	"io"

	"github.com/lockscope/lockscope/analyzer"
)

// junitAvailable says whether writeJUnit is implemented in this version.
const junitAvailable = false

// writeJUnit writes the JUnit report.
func writeJUnit(io.Writer, *analyzer.Result) error { return ErrNotAvailable }
