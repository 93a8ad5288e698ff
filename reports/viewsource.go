package reports

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lockscope/lockscope/findings"
)

// Bounds on what the HTML report reads from the target's files at render
// time. A file that is missing, not Go source, or past the budget just
// leaves its snippet out.
const (
	maxFileBytes   = 1 << 20  // read of one source file (its start)
	maxSourceBytes = 16 << 20 // all source reads of one report
	maxFiles       = 64       // distinct source files read
	contextLines   = 3        // lines shown each side of the marked one
	maxLineBytes   = 240      // a longer source or output line is cut
	tailBytes      = 16 << 10 // read from the end of an output log
	tailLines      = 60       // output lines shown
)

// siteView is a few source lines around an acquisition site.
type siteView struct {
	Loc   string
	Func  string
	What  string
	Lines []srcLine
}

type srcLine struct {
	N    int
	Text string
	Mark bool
}

// outputView is the end of a failed run's saved output.
type outputView struct {
	Path  string
	Run   string
	Lines []string
	Cut   bool // earlier output is left out
}

// sourceReader reads the target's source and output files for the report,
// within the bounds above, caching each file.
type sourceReader struct {
	src *findings.SourceLines // over the whole file system, paths without the leading slash
}

func newSourceReader() *sourceReader {
	return &sourceReader{src: findings.NewSourceLines(os.DirFS("/"), maxFiles, maxFileBytes, maxSourceBytes)}
}

// snippet returns the lines around line of file, the line itself marked,
// or nil when the file cannot be read.
func (s *sourceReader) snippet(file string, line int) []srcLine {
	lines := s.lines(file)
	if line < 1 || line > len(lines) {
		return nil
	}
	var out []srcLine
	for n := max(1, line-contextLines); n <= min(len(lines), line+contextLines); n++ {
		out = append(out, srcLine{N: n, Text: clipLine(lines[n-1]), Mark: n == line})
	}
	return out
}

// lines reads a Go source file once. Only absolute .go paths are read: a
// findings.json from elsewhere must not make the report embed other files.
func (s *sourceReader) lines(file string) []string {
	if !filepath.IsAbs(file) || filepath.Ext(file) != ".go" {
		return nil
	}
	return s.src.Lines(strings.TrimPrefix(filepath.ToSlash(filepath.Clean(file)), "/"))
}

// tail returns the last lines of a saved output log and whether earlier
// output was left out. Only .log files are read.
func (s *sourceReader) tail(path string) ([]string, bool) {
	if !filepath.IsAbs(path) || filepath.Ext(path) != ".log" {
		return nil, false
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, false
	}
	off := max(0, st.Size()-tailBytes)
	data, err := io.ReadAll(io.NewSectionReader(f, off, tailBytes))
	if err != nil {
		return nil, false
	}
	cut := off > 0
	if cut { // drop the partial first line
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > tailLines {
		lines, cut = lines[len(lines)-tailLines:], true
	}
	for i := range lines {
		lines[i] = clipLine(lines[i])
	}
	if len(lines) == 1 && lines[0] == "" {
		return nil, false
	}
	return lines, cut
}

func clipLine(s string) string {
	s = strings.TrimRight(s, "\r")
	if len(s) <= maxLineBytes {
		return s
	}
	n := maxLineBytes
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + " …"
}
