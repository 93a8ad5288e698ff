package workshop

import (
	"regexp"
	"strings"
)

// The narratives of the scenarios are written in a small part of Markdown:
// paragraphs, numbered and bulleted lists, pipe tables, `code` and
// **bold**. markdown turns one into blocks of plain-text spans that the
// template prints element by element, escaped like any other string: no
// Markdown library, and no HTML from the narrative reaches the page as
// markup.

// block is one paragraph, list or table.
type block struct {
	Kind  string   // "p", "ol", "ul" or "table"
	Spans []span   // a paragraph's text
	Items [][]span // a list's items
	Head  [][]span // a table's header cells
	Rows  [][][]span
}

// span is a run of text in one style.
type span struct {
	Text       string
	Code, Bold bool
}

var (
	olItem    = regexp.MustCompile(`^\d+\. `)
	ulItem    = regexp.MustCompile(`^[-*] `)
	tableRule = regexp.MustCompile(`^\|?[\s:|-]+\|?$`)
)

// markdown splits text into blocks at blank lines.
func markdown(text string) []block {
	var out []block
	for _, chunk := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		lines := strings.Split(strings.Trim(chunk, "\n"), "\n")
		if len(lines) == 0 || strings.TrimSpace(lines[0]) == "" {
			continue
		}
		switch first := lines[0]; {
		case strings.HasPrefix(first, "|"):
			out = append(out, table(lines))
		case olItem.MatchString(first):
			out = append(out, list("ol", olItem, lines))
		case ulItem.MatchString(first):
			out = append(out, list("ul", ulItem, lines))
		default:
			out = append(out, block{Kind: "p", Spans: inline(strings.Join(lines, " "))})
		}
	}
	return out
}

// list makes a list of lines whose items start with marker; other lines
// continue the item before them.
func list(kind string, marker *regexp.Regexp, lines []string) block {
	var items []string
	for _, l := range lines {
		if m := marker.FindString(l); m != "" || len(items) == 0 {
			items = append(items, strings.TrimPrefix(l, m))
			continue
		}
		items[len(items)-1] += " " + strings.TrimSpace(l)
	}
	b := block{Kind: kind}
	for _, it := range items {
		b.Items = append(b.Items, inline(it))
	}
	return b
}

// table makes a table of pipe rows; a rule row of dashes ends the header.
func table(lines []string) block {
	b := block{Kind: "table"}
	var rows [][][]span
	header := false
	for _, l := range lines {
		if tableRule.MatchString(strings.TrimSpace(l)) {
			header = true
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(l), "|"), "|")
		var row [][]span
		for _, c := range cells {
			row = append(row, inline(strings.TrimSpace(c)))
		}
		rows = append(rows, row)
	}
	if header && len(rows) > 0 {
		b.Head, rows = rows[0], rows[1:]
	}
	b.Rows = rows
	return b
}

// inline splits text into plain, `code` and **bold** spans. An unclosed
// marker is text.
func inline(text string) []span {
	var out []span
	for text != "" {
		i := strings.IndexAny(text, "`*")
		if i < 0 {
			out = append(out, span{Text: text})
			break
		}
		delim, code := "`", text[i] == '`'
		if !code {
			if !strings.HasPrefix(text[i:], "**") {
				out = append(out, span{Text: text[:i+1]})
				text = text[i+1:]
				continue
			}
			delim = "**"
		}
		end := strings.Index(text[i+len(delim):], delim)
		if end < 0 {
			out = append(out, span{Text: text[:i+len(delim)]})
			text = text[i+len(delim):]
			continue
		}
		if i > 0 {
			out = append(out, span{Text: text[:i]})
		}
		inner := text[i+len(delim) : i+len(delim)+end]
		out = append(out, span{Text: inner, Code: code, Bold: !code})
		text = text[i+len(delim)+end+len(delim):]
	}
	return merge(out)
}

// merge joins adjacent plain spans.
func merge(in []span) []span {
	var out []span
	for _, s := range in {
		if n := len(out); n > 0 && !s.Code && !s.Bold && !out[n-1].Code && !out[n-1].Bold {
			out[n-1].Text += s.Text
			continue
		}
		out = append(out, s)
	}
	return out
}
