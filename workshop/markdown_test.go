package workshop

import (
	"reflect"
	"testing"
)

func TestMarkdown(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []block
	}{{
		name: "paragraphs join their lines",
		in:   "One line\nand `code` and **bold**.\n\nTwo.",
		want: []block{
			{Kind: "p", Spans: []span{{Text: "One line and "}, {Text: "code", Code: true}, {Text: " and "}, {Text: "bold", Bold: true}, {Text: "."}}},
			{Kind: "p", Spans: []span{{Text: "Two."}}},
		},
	}, {
		name: "a number inside a paragraph is not a list",
		in:   "answers\n500. That is quiet.",
		want: []block{{Kind: "p", Spans: []span{{Text: "answers 500. That is quiet."}}}},
	}, {
		name: "numbered list with a continued item",
		in:   "1. first\n   still first\n2. `second`",
		want: []block{{Kind: "ol", Items: [][]span{{{Text: "first still first"}}, {{Text: "second", Code: true}}}}},
	}, {
		name: "bullets",
		in:   "- a\n- b",
		want: []block{{Kind: "ul", Items: [][]span{{{Text: "a"}}, {{Text: "b"}}}}},
	}, {
		name: "table",
		in:   "| a | `b` |\n|---|:-:|\n| 1 | 2 |",
		want: []block{{Kind: "table", Head: [][]span{{{Text: "a"}}, {{Text: "b", Code: true}}}, Rows: [][][]span{{{{Text: "1"}}, {{Text: "2"}}}}}},
	}, {
		name: "unclosed markers and markup stay text",
		in:   "a * b ` c ** <script>",
		want: []block{{Kind: "p", Spans: []span{{Text: "a * b ` c ** <script>"}}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := markdown(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("markdown(%q) =\n%+v\nwant\n%+v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzMarkdown(f *testing.F) {
	f.Add("| a |\n|---|\n1. `x` **y**\n\n- z")
	f.Fuzz(func(t *testing.T, s string) {
		markdown(s) // must not panic
	})
}
