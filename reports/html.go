package reports

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io"

	"github.com/lockscope/lockscope/findings"
)

//go:embed templates/report.html.tmpl templates/report.css templates/report.js
var templateFS embed.FS

// page is the report template, parsed once.
var page = template.Must(template.New("report.html.tmpl").ParseFS(templateFS, "templates/report.html.tmpl"))

// pageAssets are the stylesheet and script inlined into every report, and
// the Content-Security-Policy that allows exactly them and nothing else: no
// request leaves the page, even if something slipped through.
type pageAssets struct {
	CSS template.CSS
	JS  template.JS
	CSP string
}

var assets = loadAssets()

func loadAssets() pageAssets {
	css, err := templateFS.ReadFile("templates/report.css")
	if err != nil {
		panic(err)
	}
	js, err := templateFS.ReadFile("templates/report.js")
	if err != nil {
		panic(err)
	}
	return pageAssets{
		CSS: template.CSS(css), // our own embedded file
		JS:  template.JS(js),   // our own embedded file
		CSP: "default-src 'none'; img-src data:; style-src '" + hash(css) + "'; script-src '" + hash(js) +
			"'; base-uri 'none'; form-action 'none'",
	}
}

func hash(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// writeHTML writes report.html: one self-contained page that opens offline
// and reads without scripts. Source lines and output tails are read from
// the target's files now, within the bounds in viewsource.go.
func writeHTML(w io.Writer, res *findings.Result) error {
	return page.Execute(w, newView(res, newSourceReader()))
}
