package reports

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lockscope/lockscope/findings"
)

// fileNames maps each format to the file WriteDir gives it.
var fileNames = map[string]string{
	"json":  "findings.json",
	"text":  "report.txt",
	"html":  "report.html",
	"sarif": "findings.sarif",
	"junit": "junit.xml",
	"pprof": ContentionFile,
}

// Formats lists every format name the command line accepts. pprof is the
// contention profile (WriteContention), binary.
func Formats() []string { return []string{"html", "json", "junit", "pprof", "sarif", "text"} }

// Generate writes res to w in format.
func Generate(w io.Writer, format string, res *findings.Result) error {
	var buf bytes.Buffer
	var err error
	switch format {
	case "json":
		err = writeJSON(&buf, res)
	case "text":
		err = writeText(&buf, res)
	case "html":
		err = writeHTML(&buf, res)
	case "sarif":
		err = writeSARIF(&buf, res)
	case "junit":
		err = writeJUnit(&buf, res)
	case "pprof":
		_, err = WriteContention(&buf, res)
	default:
		return fmt.Errorf("unknown report format %q", format)
	}
	if err != nil {
		return fmt.Errorf("%s report: %w", format, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// WriteDir writes one file per format into dir and returns the paths
// written. The pprof profile is written only when some goroutine waited
// for an instrumented lock.
func WriteDir(dir string, formats []string, res *findings.Result) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	var written []string
	for _, f := range formats {
		if f == "pprof" && len(res.WaitStacks) == 0 {
			continue
		}
		var buf bytes.Buffer
		if err := Generate(&buf, f, res); err != nil {
			return written, err
		}
		path := filepath.Join(dir, fileNames[f])
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return written, fmt.Errorf("write %s: %w", path, err)
		}
		written = append(written, path)
	}
	return written, nil
}
