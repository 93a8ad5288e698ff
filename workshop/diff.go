package workshop

import "strings"

// A side-by-side view of two versions of a file: every line of each, with
// the lines that the other version does not have marked as changed. The
// alignment is the longest common subsequence of lines, which for files of
// a few hundred lines costs well under a millisecond.

// line is one numbered line of a file in a side-by-side view.
type line struct {
	N       int
	Text    string
	Changed bool
}

// diffLines returns the lines of a and b, each marked changed when it is
// not part of their longest common subsequence of lines.
func diffLines(a, b string) (left, right []line) {
	la, lb := splitLines(a), splitLines(b)
	// lcs[i][j] is the LCS length of la[i:] and lb[j:].
	lcs := make([][]int, len(la)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(lb)+1)
	}
	for i := len(la) - 1; i >= 0; i-- {
		for j := len(lb) - 1; j >= 0; j-- {
			switch {
			case la[i] == lb[j]:
				lcs[i][j] = lcs[i+1][j+1] + 1
			case lcs[i+1][j] >= lcs[i][j+1]:
				lcs[i][j] = lcs[i+1][j]
			default:
				lcs[i][j] = lcs[i][j+1]
			}
		}
	}
	keepA, keepB := make([]bool, len(la)), make([]bool, len(lb))
	for i, j := 0, 0; i < len(la) && j < len(lb); {
		switch {
		case la[i] == lb[j]:
			keepA[i], keepB[j] = true, true
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			j++
		}
	}
	return numbered(la, keepA), numbered(lb, keepB)
}

func numbered(lines []string, keep []bool) []line {
	out := make([]line, len(lines))
	for i, l := range lines {
		out[i] = line{N: i + 1, Text: l, Changed: !keep[i]}
	}
	return out
}

// splitLines splits s into lines without their ends; a final newline does
// not start another line.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n"), "\n")
}
