package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/lockscope/lockscope/findings"
)

// The JUnit XML shapes CI systems read (Jenkins, GitLab, Azure, the
// GitHub test-reporter actions).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Time     string      `xml:"time,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name      string         `xml:"name,attr"`
		Classname string         `xml:"classname,attr"`
		Time      string         `xml:"time,attr"`
		Failures  []junitFailure `xml:"failure"`
		SystemOut *junitText     `xml:"system-out,omitempty"`
	}
	junitText struct {
		Text string `xml:",cdata"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",cdata"`
	}
)

// writeJUnit writes one test case per Go test that ran (res.Tests, named
// "pkg.TestX" with the package as classname; a finding naming a test goes
// to its case) and one per package (per program or scenario for run) for
// the findings of no test: each fails with one <failure> per finding of that package at or
// above res.FailOn (default error) that is neither baselined nor
// suppressed. Other findings are listed in the case's system-out. Findings
// that span packages go to a case named after the whole target.
func writeJUnit(w io.Writer, res *findings.Result) error {
	failing := map[*findings.Finding]bool{}
	for _, f := range res.Failing(res.FailOn) {
		failing[f] = true
	}
	cases := map[string]*junitCase{}
	var order []string
	ms := map[string]int64{}
	caseOf := func(pkg string) *junitCase {
		if pkg == "" {
			pkg = strings.TrimSpace(res.Target.Kind + " " + res.Target.Name)
		}
		if c := cases[pkg]; c != nil {
			return c
		}
		cases[pkg] = &junitCase{Name: pkg, Classname: "lockscope." + res.Target.Kind}
		order = append(order, pkg)
		return cases[pkg]
	}
	for _, r := range res.Runs {
		caseOf(r.Package)
		ms[r.Package] += r.DurationMs
	}
	testCase := func(pkg, test string) *junitCase {
		key := pkg + "." + test
		if c := cases[key]; c != nil {
			return c
		}
		cases[key] = &junitCase{Name: test, Classname: pkg}
		order = append(order, key)
		return cases[key]
	}
	for _, t := range res.Tests {
		testCase(t.Package, t.Name)
	}
	var out strings.Builder
	failures := 0
	for i := range res.Findings {
		f := &res.Findings[i]
		c := caseOf(f.Package)
		if f.Test != "" {
			c = testCase(f.Package, f.Test)
		}
		if failing[f] {
			c.Failures = append(c.Failures, junitFailure{Message: f.Title, Type: string(f.Kind), Text: failureText(f, res.Target.Dir)})
			failures++
			continue
		}
		out.Reset()
		fmt.Fprintf(&out, "%s (%s, %s): %s\n", f.Kind, f.Severity, junitState(f), f.Title)
		if c.SystemOut == nil {
			c.SystemOut = &junitText{}
		}
		c.SystemOut.Text += out.String()
	}
	if len(order) == 0 {
		caseOf("")
	}
	slices.Sort(order)
	suite := junitSuite{Name: "lockscope", Failures: failures}
	var total int64
	for _, name := range order {
		c := cases[name]
		c.Time = seconds(ms[name])
		total += ms[name]
		suite.Cases = append(suite.Cases, *c)
	}
	suite.Tests, suite.Time = len(suite.Cases), seconds(total)
	doc := junitSuites{Name: "lockscope", Tests: suite.Tests, Failures: failures, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// failureText is a failure's body: the message, the sites and the ID.
func failureText(f *findings.Finding, dir string) string {
	var b strings.Builder
	b.WriteString(f.Message + "\n")
	loc := &sarifLocator{dir: dir}
	for _, s := range loc.sites(f) {
		fmt.Fprintf(&b, "  %s:%d: %s\n", s.rel, s.line, s.role)
	}
	if f.Advice != "" {
		b.WriteString("How to fix it: " + f.Advice + "\n")
	}
	fmt.Fprintf(&b, "id %s · lockscope explain %s\n", f.ID, f.Kind)
	return b.String()
}

func junitState(f *findings.Finding) string {
	switch {
	case f.Suppression != nil:
		return "suppressed: " + f.Suppression.Reason
	case f.Baselined:
		return "baselined"
	}
	return "below --fail-on"
}

func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }
