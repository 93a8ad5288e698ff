package workshop

import (
	"slices"
	"testing"
)

func TestDiffLines(t *testing.T) {
	tests := []struct {
		name         string
		a, b         string
		wantA, wantB []int // changed line numbers
	}{
		{"same", "x\ny\n", "x\ny\n", nil, nil},
		{"one changed", "a\nb\nc\n", "a\nB\nc\n", []int{2}, []int{2}},
		{"inserted", "a\nc\n", "a\nb1\nb2\nc\n", nil, []int{2, 3}},
		{"deleted at the end", "a\nb\n", "a\n", []int{2}, nil},
		{"file only on one side", "", "a\nb", nil, []int{1, 2}},
		{"crlf equals lf", "a\r\nb\r\n", "a\nb\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			left, right := diffLines(tt.a, tt.b)
			if got := changed(left); !slices.Equal(got, tt.wantA) {
				t.Errorf("left changed %v, want %v", got, tt.wantA)
			}
			if got := changed(right); !slices.Equal(got, tt.wantB) {
				t.Errorf("right changed %v, want %v", got, tt.wantB)
			}
		})
	}
}

func changed(ls []line) []int {
	var out []int
	for _, l := range ls {
		if l.Changed {
			out = append(out, l.N)
		}
	}
	return out
}
