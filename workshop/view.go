package workshop

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/lockscope/lockscope/scenarios"
)

// The pages' view models. They do all the sorting, diffing and wording;
// the templates only range, test and print, and html/template escapes
// every string, from a scenario's code to a compiler's message.

//go:embed templates/pages.html.tmpl templates/workshop.css templates/workshop.js
var templateFS embed.FS

// pages holds every page's template, parsed once.
var pages = template.Must(template.New("pages").ParseFS(templateFS, "templates/pages.html.tmpl"))

// static serves the pages' stylesheet and script.
func static(w http.ResponseWriter, r *http.Request) {
	types := map[string]string{"workshop.css": "text/css; charset=utf-8", "workshop.js": "text/javascript; charset=utf-8"}
	name := r.PathValue("file")
	typ, ok := types[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	data, err := templateFS.ReadFile("templates/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(data)
}

type indexView struct {
	Sections []sectionView
	Count    int
}

type sectionView struct {
	N         int
	Title     string
	Summary   string
	Scenarios []itemView
}

type itemView struct {
	Name, Title, Concept string
	Expect               []string // "lock-order-cycle Account.mu"
}

func newIndexView(sections []Section, all []*scenarios.Scenario) indexView {
	byName := map[string]*scenarios.Scenario{}
	for _, s := range all {
		byName[s.Name] = s
	}
	v := indexView{Count: len(all)}
	for i, sec := range sections {
		sv := sectionView{N: i + 1, Title: sec.Title, Summary: sec.Summary}
		for _, name := range sec.Scenarios {
			if s := byName[name]; s != nil {
				sv.Scenarios = append(sv.Scenarios, itemView{s.Name, s.Title, s.Concept, expectations(s)})
			}
		}
		v.Sections = append(v.Sections, sv)
	}
	return v
}

func expectations(s *scenarios.Scenario) []string {
	var out []string
	for _, e := range s.Expect {
		out = append(out, strings.Join(append([]string{string(e.Kind)}, e.Locks...), " "))
	}
	return out
}

type scenarioView struct {
	Name, Title, Concept string
	Section              string
	Flags                string
	Narrative            []block
	Expect               []string
	Files                []fileView
	Prev, Next           string // scenario names in teaching order; "" at either end
}

// fileView is one file of a scenario, buggy and fixed side by side.
type fileView struct {
	Name         string
	Buggy, Fixed []line
	// Source is the buggy version, for the editor; "" when the buggy
	// variant has no such file.
	Source   string
	Editable bool
	Changed  bool // the two versions differ
}

func newScenarioView(sc *scenarios.Scenario) (scenarioView, error) {
	v := scenarioView{Name: sc.Name, Title: sc.Title, Concept: sc.Concept, Flags: strings.Join(sc.Flags, " "),
		Narrative: markdown(sc.Narrative), Expect: expectations(sc)}
	buggy, err := sc.Files(scenarios.Buggy)
	if err != nil {
		return v, err
	}
	fixed, err := sc.Files(scenarios.Fixed)
	if err != nil {
		return v, err
	}
	for _, name := range fileOrder(buggy, fixed) {
		b, f := string(buggy[name]), string(fixed[name])
		fv := fileView{Name: name, Source: b, Editable: buggy[name] != nil, Changed: b != f}
		fv.Buggy, fv.Fixed = diffLines(b, f)
		v.Files = append(v.Files, fv)
	}
	var order []string
	for _, sec := range Curriculum {
		if slices.Contains(sec.Scenarios, sc.Name) {
			v.Section = sec.Title
		}
		order = append(order, sec.Scenarios...)
	}
	if i := slices.Index(order, sc.Name); i >= 0 {
		if i > 0 {
			v.Prev = order[i-1]
		}
		if i+1 < len(order) {
			v.Next = order[i+1]
		}
	}
	return v, nil
}

// fileOrder lists the file names of both variants: main.go first, then the
// files that differ, then the rest, each by name.
func fileOrder(buggy, fixed map[string][]byte) []string {
	var names []string
	for n := range buggy {
		names = append(names, n)
	}
	for n := range fixed {
		if buggy[n] == nil {
			names = append(names, n)
		}
	}
	rank := func(n string) int {
		switch {
		case n == "main.go":
			return 0
		case string(buggy[n]) != string(fixed[n]):
			return 1
		}
		return 2
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return names
}

type runView struct {
	ID                   string
	Name, Title          string
	Variant              string
	Done                 bool
	Elapsed              string
	Progress             []string
	Err                  string // lockscope could not do the run
	BuildOutput          string
	Findings             []Finding
	Verdict              string
	Report               bool
	EditFile, EditSource string // the learner's edit, to correct and run again; "" for a catalogue variant
}

func newRunView(r *run) runView {
	done, o, err, elapsed := r.state()
	v := runView{ID: r.ID, Name: r.Scenario.Name, Title: r.Scenario.Title, Variant: r.Variant, Done: done,
		Progress: r.Progress.Lines()}
	if r.Variant == Edited {
		v.EditFile, v.EditSource = r.Edited, string(r.Files[r.Edited])
	}
	if !done {
		v.Elapsed = time.Since(r.Started).Round(time.Second).String()
		return v
	}
	v.Elapsed = elapsed.Round(100 * time.Millisecond).String()
	switch {
	case err != nil:
		v.Err = err.Error()
		v.Verdict = "lockscope could not run it"
	case o.BuildOutput != "":
		v.BuildOutput = o.BuildOutput
		v.Verdict = "does not build"
	default:
		v.Findings, v.Report = o.Findings, o.Report != ""
		v.Verdict = verdict(o.Findings)
	}
	return v
}

// verdict sums findings up in a few words.
func verdict(fs []Finding) string {
	if len(fs) == 0 {
		return "no findings"
	}
	counts := map[string]int{}
	for _, f := range fs {
		counts[f.Severity]++
	}
	var parts []string
	for _, sev := range []string{"error", "warning", "info"} {
		if n := counts[sev]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, plural(n, sev)))
		}
	}
	return strings.Join(parts, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

type errorView struct {
	Title, Message, Back string
}
