package reports

import (
	"encoding/json"
	"io"

	"github.com/lockscope/lockscope/analyzer"
)

// writeJSON writes findings.json: indented, with empty lists as [] rather
// than null so that consumers can range without checks.
func writeJSON(w io.Writer, res *analyzer.Result) error {
	r := *res
	if r.Findings == nil {
		r.Findings = []analyzer.Finding{}
	}
	if r.Graph.Nodes == nil {
		r.Graph.Nodes = []analyzer.Node{}
	}
	if r.Graph.Edges == nil {
		r.Graph.Edges = []analyzer.Edge{}
	}
	if r.Contention == nil {
		r.Contention = []analyzer.Contention{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&r)
}
