package reports

import (
	"io"

	"github.com/lockscope/lockscope/analyzer"
)

// sarifAvailable says whether writeSARIF is implemented in this version.
const sarifAvailable = false

// writeSARIF writes the SARIF report.
func writeSARIF(io.Writer, *analyzer.Result) error { return ErrNotAvailable }
