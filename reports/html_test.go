package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
)

func renderHTML(t *testing.T, res *findings.Result) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(&buf, "html", res); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTMLGolden(t *testing.T) {
	for name, res := range map[string]func() *findings.Result{"sample": sample, "hang": sampleHang} {
		t.Run(name, func(t *testing.T) {
			out := renderHTML(t, res())
			golden := filepath.Join("testdata", name+".html")
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if out != string(want) {
				t.Errorf("html output differs from %s (run with -update after checking)", golden)
			}
			if again := renderHTML(t, res()); again != out {
				t.Errorf("two renderings of one result differ")
			}
		})
	}
}

// sampleHang is a deadlocked test stopped at its deadline: a hang with its
// timeline, and the mixed deadlock of a goroutine stuck on a send.
func sampleHang() *findings.Result {
	stack := func(fn string, line int) []findings.Frame {
		return []findings.Frame{{Func: "example.com/bank." + fn, File: "/mod/bank/bank.go", Line: line}}
	}
	mixed := &findings.Timeline{SnapshotNs: 5e9, DeadlockNs: 4.2e9, Rows: []findings.TimelineRow{
		{Goroutine: 9, Label: "bank.notify", Spans: []findings.TimelineSpan{
			{Kind: "hold", Lock: "Ledger.mu#1", Class: "Ledger.mu", Mode: "w", StartNs: 3.9e9, EndNs: 5e9, Site: "bank.go:68"},
			{Kind: "wait", Reason: "chan send", StartNs: 4e9, EndNs: 5e9, Site: "bank.go:70"},
		}},
		{Goroutine: 11, Label: "bank.drain", Spans: []findings.TimelineSpan{
			{Kind: "wait", Lock: "Ledger.mu#1", Class: "Ledger.mu", Mode: "r", Reason: "lock", StartNs: 4.2e9, EndNs: 5e9, Site: "bank.go:80"},
		}},
	}}
	return &findings.Result{
		Version: 1, Tool: findings.Tool{Name: "lockscope", Version: "v0.1.0"},
		Target: findings.Target{Kind: "test", Name: "./...", Runs: 1, Dir: "/mod"},
		Runs:   []findings.RunSummary{{Run: 1, Package: "example.com/bank", TimedOut: true, ExitCode: 137, DurationMs: 5000}},
		Findings: []findings.Finding{
			{ID: "h1", Kind: "hang", Severity: findings.Error, Confidence: findings.Observed, Package: "example.com/bank",
				Title:    "Deadlock: 2 goroutines wait for each other on Account.mu",
				Message:  "run 1 of example.com/bank stopped making progress and was stopped at its deadline.",
				Locks:    []string{"Account.mu"},
				Timeline: sampleTimeline(),
				Evidence: []findings.Evidence{
					{Role: "goroutine 7 holds Account.mu#1 and waits for 2s for Account.mu#2, held by goroutine 8", Goroutine: 7, Held: []string{"Account.mu#1"}, Stack: stack("Transfer", 33)},
					{Role: "goroutine 8 holds Account.mu#2 and waits for 1.5s for Account.mu#1, held by goroutine 7", Goroutine: 8, Held: []string{"Account.mu#2"}, Stack: stack("Audit", 52)},
				},
				Advice: "Take the Account.mu locks in one order."},
			{ID: "m1", Kind: "mixed-deadlock", Severity: findings.Error, Confidence: findings.Observed, Package: "example.com/bank",
				Title:    "Mixed deadlock: bank.notify blocks on chan send while holding Ledger.mu, which the goroutine that would unblock it waits for",
				Message:  "goroutine 9 holds Ledger.mu#1 and is blocked on chan send; goroutine 11 waits for Ledger.mu#1, held by goroutine 9.",
				Locks:    []string{"Ledger.mu"},
				Timeline: mixed,
				Evidence: []findings.Evidence{
					{Role: "goroutine 9 holds Ledger.mu#1 and is blocked on chan send", Goroutine: 9, Held: []string{"Ledger.mu#1"}, Stack: stack("notify", 70)},
					{Role: "goroutine 11 waits for Ledger.mu#1, held by goroutine 9", Goroutine: 11, Stack: stack("drain", 80)},
				},
				Advice: "Do not hold Ledger.mu across the send."},
		},
	}
}

// TestHTMLTimeline: hang and mixed-deadlock cards draw their timeline
// after the who-holds-what table, lane by lane, with the deadlock marked.
func TestHTMLTimeline(t *testing.T) {
	out := renderHTML(t, sampleHang())
	if n := strings.Count(out, `<figure class="timeline">`); n != 2 {
		t.Errorf("%d timelines, want one per card", n)
	}
	// In the hang's card: the table, the timeline, then the rest.
	table := strings.Index(out, `<table class="waitfor">`)
	if table < 0 {
		t.Fatal("no holds/waits table")
	}
	fig, sites := strings.Index(out[table:], `<figure class="timeline">`), strings.Index(out[table:], `<h4>Where`)
	if fig < 0 || sites >= 0 && sites < fig {
		t.Errorf("the timeline does not follow the holds/waits table")
	}
	for _, want := range []string{
		`>goroutine 7</text>`, `>bank.Transfer</text>`,
		`</title>holds Account.mu#1</text>`, `</title>waits for Account.mu#2</text>`,
		`</title>blocked on chan send</text>`, `</title>waits to read-lock Ledger.mu#1</text>`,
		`>deadlock (-1.5s)</text>`, `>now</text>`, `>-4s</text>`,
		`class="span hold unknown"`, `fill: url(#tl-hatch)`, `<pattern id="tl-hatch"`,
		"A jagged left end",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestHTMLContent(t *testing.T) {
	out := renderHTML(t, sample())
	for _, want := range []string{
		"1 error found",
		`<li class="sev-error"><span class="num">1</span> error</li>`,
		`href="#kind-lock-order-cycle"`,
		"Lock-order cycle: Account.mu -&gt; Ledger.mu -&gt; Account.mu",
		analyzerDoc(t, "lock-order-cycle"), // "why" comes from the check's Doc
		"Take Ledger.mu before Account.mu in bank.Audit.",
		"bank/bank.go:10",     // paths in the module are relative
		"/elsewhere/web.go:5", // others stay whole
		"1 more frame</summary>",
		"seen at different times", "predicted", "observed",
		"cycle search cut at 16 cycles",
		"timed out", // the run breakdown
		"Store.mu", "12.3ms",
		"event log ends in a truncated record",
		`<details class="stack">`, // stacks folded by default
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(out, "Idle.mu") {
		t.Errorf("a lock nobody waited for is in the contention chart")
	}
	if strings.Contains(out, `<details class="stack" open`) {
		t.Errorf("a stack starts unfolded")
	}
}

// analyzerDoc is the first sentence of a check's Doc, as the template
// escapes it.
func analyzerDoc(t *testing.T, kind string) string {
	c := findings.Lookup(findings.Kind(kind))
	if c == nil {
		t.Fatalf("no check %s", kind)
	}
	s, _, _ := strings.Cut(c.Doc, ":")
	return s
}

var remote = regexp.MustCompile(`(?i)(src|href|action|srcset|poster|data)\s*=\s*["']?\s*(https?:|//|ftp:)|url\(\s*["']?\s*(https?:|//)|@import`)

func TestHTMLSelfContained(t *testing.T) {
	for name, res := range map[string]*findings.Result{"sample": sample(), "empty": {Version: 1}} {
		t.Run(name, func(t *testing.T) {
			out := renderHTML(t, res)
			if m := remote.FindString(out); m != "" {
				t.Errorf("the report refers to another host: %q", m)
			}
			if strings.Contains(out, "http://") || strings.Contains(out, "https://") {
				t.Errorf("the report contains a URL")
			}
			for _, tag := range []string{"<link", "<img", "<iframe", "<object", "<embed", "<script src"} {
				if strings.Contains(out, tag) {
					t.Errorf("the report has a %s element", tag)
				}
			}
			if strings.Count(out, "<script") != 1 || strings.Count(out, "<style") != 1 {
				t.Errorf("want exactly one inline script and one inline style")
			}
			if !strings.Contains(out, `http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`) {
				t.Errorf("no content security policy")
			}
		})
	}
	if out := renderHTML(t, &findings.Result{Version: 1}); !strings.Contains(out, "No findings") {
		t.Errorf("an empty result does not say there are no findings")
	}
}

// TestHTMLEscaping feeds target text with markup through every field that
// carries it: nothing of it may come out as markup.
func TestHTMLEscaping(t *testing.T) {
	dir := t.TempDir()
	evil := `<script>alert("x")</script> &amp; &lt;b&gt; <img src=x onerror=alert(1)> ' "`
	src := filepath.Join(dir, "evil.go")
	log := filepath.Join(dir, "evil.output.log")
	writeFile(t, src, "package evil\n\n// "+evil+"\nfunc f() { mu.Lock() }\n")
	writeFile(t, log, "=== RUN   Test"+evil+"\n--- FAIL: "+evil+"\n")
	conc := true
	res := &findings.Result{
		Version: 1, Tool: findings.Tool{Name: "lockscope", Version: evil},
		Target:   findings.Target{Kind: "test", Name: evil, Variant: evil, Dir: dir, GoVersion: evil, Runs: 2},
		Warnings: []string{evil},
		Runs: []findings.RunSummary{
			{Run: 1, Package: evil, ExitCode: 1, Output: log},
			{Run: 2, Package: evil, TimedOut: true},
		},
		Findings: []findings.Finding{
			{ID: evil, Kind: "lock-order-cycle", Severity: findings.Error, Confidence: findings.Observed, Concurrent: &conc,
				Title: evil, Message: evil + "\n\n" + evil, Locks: []string{evil + "#1 (" + evil + ")", evil}, Package: evil,
				Advice: evil, Truncated: evil, Level: evil,
				Evidence: []findings.Evidence{
					{Role: evil + " (acquired at evil.go:4)", Held: []string{evil}, Stack: []findings.Frame{{Func: evil, File: src, Line: 4}}},
					{Role: evil, Held: []string{evil}, Stack: []findings.Frame{{Func: evil, File: src, Line: 3}}},
				}},
			{ID: "f", Kind: "target-failure", Severity: findings.Error, Confidence: findings.Observed, Title: evil, Message: evil, Package: evil},
			{ID: "h", Kind: "hang", Severity: findings.Error, Confidence: findings.Observed, Title: evil, Package: evil,
				Evidence: []findings.Evidence{{Role: evil, Held: []string{evil}, Stack: []findings.Frame{{Func: evil, File: evil, Line: 1}}}},
				Timeline: &findings.Timeline{SnapshotNs: 2e9, DeadlockNs: 1e9, Rows: []findings.TimelineRow{{Goroutine: 3, Label: evil, Spans: []findings.TimelineSpan{
					{Kind: evil, Lock: evil, Class: evil, Mode: evil, Reason: evil, StartNs: 1e9, EndNs: 2e9, Site: evil},
					{Kind: "hold", Lock: evil, StartUnknown: true, EndNs: 2e9, Site: evil},
					{Kind: "wait", Reason: evil, StartNs: 1e9, EndNs: 2e9},
				}}}}},
			{ID: "k", Kind: findings.Kind(evil), Severity: findings.Severity(evil), Confidence: findings.Confidence(evil), Title: evil},
		},
		Graph:      findings.Graph{Nodes: []findings.Node{{Name: evil}}, Edges: []findings.Edge{{From: evil, To: evil, Modes: []string{evil}, InCycle: true}}},
		Contention: []findings.Contention{{Lock: evil, Waits: 1, WaitNs: 10, MaxHoldSite: evil}},
	}
	out := renderHTML(t, res)
	for _, bad := range []string{`<script>alert`, `<img`, "<b>", `&amp; &lt;b&gt;`} {
		if strings.Contains(out, bad) {
			t.Errorf("target text came out as markup: %q", bad)
		}
	}
	if strings.Count(out, "<script") != 1 {
		t.Errorf("%d script elements, want only the report's own", strings.Count(out, "<script"))
	}
	// The text is shown, escaped: in the card, the source snippet and the output tail.
	escaped := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp;amp; &amp;lt;b&amp;gt;`
	if n := strings.Count(out, escaped); n < 20 {
		t.Errorf("the escaped text appears %d times, want it everywhere", n)
	}
	for _, want := range []string{"--- FAIL: " + escaped, "<span class=\"lno\">3</span>// " + escaped} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHTMLSize holds a huge result to the page's size bound: 5,000
// findings with 40-frame stacks and a 300-lock graph.
func TestHTMLSize(t *testing.T) {
	res := &findings.Result{Version: 1, Target: findings.Target{Kind: "test", Name: "./...", Runs: 3, Dir: "/mod"}}
	res.Findings = manyFindings(5000, 40)
	for i := range 300 {
		res.Graph.Nodes = append(res.Graph.Nodes, findings.Node{Name: fmt.Sprintf("Lock%03d.mu", i)})
		for _, d := range []int{1, 7} {
			res.Graph.Edges = append(res.Graph.Edges, findings.Edge{From: fmt.Sprintf("Lock%03d.mu", i), To: fmt.Sprintf("Lock%03d.mu", (i+d)%300), Count: 2, InCycle: d == 1})
		}
	}
	for i := range 200 {
		res.Contention = append(res.Contention, findings.Contention{Lock: fmt.Sprintf("Lock%03d.mu", i), Waits: int64(i + 1), WaitNs: int64(i) * 1000})
		res.Warnings = append(res.Warnings, fmt.Sprintf("warning %d", i))
	}
	for r := 1; r <= 3; r++ {
		for p := range 300 {
			res.Runs = append(res.Runs, findings.RunSummary{Run: r, Package: fmt.Sprintf("example.com/big/pkg%d", p), DurationMs: 10})
		}
	}
	out := renderHTML(t, res)
	t.Logf("5,000 findings: %d bytes", len(out))
	if len(out) > maxReportBytes {
		t.Errorf("report is %d bytes, over the %d bound", len(out), maxReportBytes)
	}
	for _, want := range []string{"1230 more lock-order-cycle findings, one line each", "460 more double-lock findings are not shown here", "1230 more lock-leak findings are not shown here"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestHTMLMarksInactiveFindings(t *testing.T) {
	res := sample()
	res.Findings[0].Suppression = &findings.Suppression{Source: "comment", File: "bank.go", Line: 3, Reason: "startup only <b>"}
	res.Findings[1].Baselined = true
	out := renderHTML(t, res)
	for _, want := range []string{"suppressed: startup only &lt;b&gt;", ">baselined<", "No findings (2 baselined or suppressed)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
