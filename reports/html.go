package reports

import (
	"io"

	"github.com/lockscope/lockscope/analyzer"
)

// htmlAvailable says whether writeHTML is implemented in this version.
const htmlAvailable = false

// writeHTML writes the HTML report.
func writeHTML(io.Writer, *analyzer.Result) error { return ErrNotAvailable }
