package instrument

import (
	"go/ast"
	"go/token"
	"slices"

	"golang.org/x/tools/go/packages"
)

// source is one main-module file as the rewrite sees it: the path of the
// file the edits apply to, and how positions of its syntax tree become byte
// offsets in that file.
//
// Most files are parsed from themselves. The files of a cgo package are
// type-checked in cgo's translation (a file in the build cache), which
// reproduces the original and marks, with //line comments, the original
// line and column of every node taken from it; their positions are mapped
// back through those, so that locks in cgo files are instrumented too.
type source struct {
	path  string
	tf    *token.File
	fset  *token.FileSet
	lines []int // line start offsets of the file at path; nil when not translated
}

// translated reports whether the syntax tree is cgo's translation of path.
func (s *source) translated() bool { return s.lines != nil }

// offset returns the byte offset in the file at path of pos.
func (s *source) offset(pos token.Pos) int {
	if !s.translated() {
		return s.tf.Offset(pos)
	}
	p := s.fset.PositionFor(pos, true)
	if p.Line < 1 || p.Line > len(s.lines) {
		return -1
	}
	return s.lines[p.Line-1] + p.Column - 1
}

// sourceOf returns the source of file f of p, or nil if it is not a file
// of the main module at moduleDir. current returns a file's content as the
// rewrite has it so far.
func sourceOf(p *packages.Package, f *ast.File, moduleDir string, current func(string) ([]byte, error)) (*source, error) {
	tf := p.Fset.File(f.Pos())
	if within(moduleDir, tf.Name()) {
		return &source{path: tf.Name(), tf: tf, fset: p.Fset}, nil
	}
	orig := p.Fset.PositionFor(f.Package, true).Filename
	if !within(moduleDir, orig) || !slices.Contains(p.GoFiles, orig) {
		return nil, nil
	}
	src, err := current(orig)
	if err != nil {
		return nil, err
	}
	lines := []int{0}
	for i, b := range src {
		if b == '\n' {
			lines = append(lines, i+1)
		}
	}
	return &source{path: orig, tf: tf, fset: p.Fset, lines: lines}, nil
}
