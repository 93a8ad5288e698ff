package reports

import (
	"encoding/json"
	"io"

	"github.com/lockscope/lockscope/findings"
)

// writeJSON writes findings.json: indented, with empty lists as [] rather
// than null so that consumers can range without checks.
func writeJSON(w io.Writer, res *findings.Result) error {
	r := *res
	if r.Findings == nil {
		r.Findings = []findings.Finding{}
	}
	if r.Graph.Nodes == nil {
		r.Graph.Nodes = []findings.Node{}
	}
	if r.Graph.Edges == nil {
		r.Graph.Edges = []findings.Edge{}
	}
	if r.Contention == nil {
		r.Contention = []findings.Contention{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&r)
}
