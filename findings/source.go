package findings

import (
	"io"
	"io/fs"
	"strings"
)

// SourceLines reads the lines of the target's source files, each once,
// within bounds, for everything that shows or inspects code at a finding's
// sites: suppression comments here, snippets in the reports. A file that is
// missing, not regular, or past the budget reads as no lines.
type SourceLines struct {
	fsys      fs.FS
	maxFiles  int // distinct files read
	maxFile   int // bytes read of one file (its start)
	maxTotal  int // bytes read in all
	read      int
	files     map[string][]string // nil entry: unreadable
	truncated map[string]bool
}

// NewSourceLines reads from fsys with the given bounds: at most maxFiles
// files, the first maxFile bytes of each, maxTotal bytes in all.
func NewSourceLines(fsys fs.FS, maxFiles, maxFile, maxTotal int) *SourceLines {
	return &SourceLines{fsys: fsys, maxFiles: maxFiles, maxFile: maxFile, maxTotal: maxTotal,
		files: map[string][]string{}, truncated: map[string]bool{}}
}

// Lines returns the lines of the file name (an fs.FS path), without line
// ends. When only the file's start was read, its last, possibly cut, line
// is left out.
func (s *SourceLines) Lines(name string) []string {
	if lines, ok := s.files[name]; ok {
		return lines
	}
	if s.fsys == nil || len(s.files) >= s.maxFiles || s.read >= s.maxTotal {
		return nil
	}
	s.files[name] = nil
	data, err := s.readHead(name, min(s.maxFile, s.maxTotal-s.read))
	if err != nil {
		return nil
	}
	s.read += len(data)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(data) == s.maxFile {
		lines = lines[:len(lines)-1]
	}
	s.files[name] = lines
	return lines
}

func (s *SourceLines) readHead(name string, n int) ([]byte, error) {
	f, err := s.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, fs.ErrNotExist
	}
	return io.ReadAll(io.LimitReader(f, int64(n)))
}
