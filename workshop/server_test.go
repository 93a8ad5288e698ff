package workshop

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fake is a Runner that answers at once, from what the request holds: a
// main.go containing "BUILD ERROR" does not build; "FINDING" yields one.
type fake struct {
	gate chan struct{} // when non-nil, runs wait for it to close
	reqs chan Request
}

func (f *fake) run(ctx context.Context, r Request) (*Outcome, error) {
	if f.reqs != nil {
		f.reqs <- r
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	r.Progress.Write([]byte("lockscope: building <b>x</b>\n"))
	src := string(r.Files["main.go"])
	if strings.Contains(src, "BUILD ERROR") {
		return &Outcome{BuildOutput: "main.go:3:2: undefined: <script>alert(1)</script>"}, nil
	}
	report := filepath.Join(r.Dir, "report.html")
	if err := os.WriteFile(report, []byte("<p>report</p>"), 0o644); err != nil {
		return nil, err
	}
	o := &Outcome{Report: report}
	if r.Variant == "buggy" || strings.Contains(src, "FINDING") {
		o.Findings = []Finding{{Kind: "lock-order-cycle", Severity: "error", Title: "Lock-order cycle: <A.mu>"}}
	}
	return o, nil
}

// serve starts a workshop on a loopback port and returns its base URL.
func serve(t *testing.T, f *fake, maxRuns int) string {
	t.Helper()
	srv, err := New(Options{Run: f.run, Dir: t.TempDir(), MaxRuns: maxRuns})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// client does not follow redirects, so tests see the 303.
var client = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

func do(t *testing.T, method, u string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// post starts a run and returns its page's URL.
func post(t *testing.T, base, name string, form url.Values) string {
	t.Helper()
	resp, body := do(t, "POST", base+"/scenarios/"+name+"/runs", form, map[string]string{"Origin": base})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST: %s\n%s", resp.Status, body)
	}
	return base + resp.Header.Get("Location")
}

// finished waits for the run at u to end and returns its page.
func finished(t *testing.T, u string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, state := do(t, "GET", u+"/progress", nil, nil)
		if strings.HasPrefix(state, "done\n") {
			_, page := do(t, "GET", u, nil, nil)
			return page
		}
	}
	t.Fatalf("run %s did not finish", u)
	return ""
}

func TestPages(t *testing.T) {
	base := serve(t, &fake{}, 2)
	tests := []struct {
		path string
		code int
		want []string
	}{
		{"/", 200, []string{"Starting and stopping goroutines", `href="/scenarios/bank-transfer"`, "Debugging with logs and traces"}},
		{"/scenarios/bank-transfer", 200, []string{`name="variant" value="buggy"`, `class="ln chg"`, `name="source"`, "from.mu.Lock()", "concept: lock ordering"}},
		{"/scenarios/errgroup-siblings", 200, []string{`<section class="file" data-file="group.go">`, "not in this variant", `class="editor" data-file="main.go"`}},
		{"/scenarios/no-such", 404, []string{"no scenario no-such"}},
		{"/scenarios/..%2f..%2fetc", 404, nil},
		{"/runs/42", 404, []string{"no run 42"}},
		{"/static/workshop.css", 200, []string{".sbs"}},
		{"/static/pages.html.tmpl", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := do(t, "GET", base+tt.path, nil, nil)
			if resp.StatusCode != tt.code {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.code, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page has no %q", w)
				}
			}
			if strings.Contains(body, `class="editor" data-file="group.go"`) {
				t.Errorf("the page offers to edit a file the buggy variant does not have")
			}
			if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") && resp.Header.Get("Content-Security-Policy") != csp {
				t.Errorf("HTML page without the CSP")
			}
		})
	}
}

func TestGuard(t *testing.T) {
	base := serve(t, &fake{}, 10) // room for every run the cases start, without waiting for them
	host := strings.TrimPrefix(base, "http://")
	_, port, _ := net.SplitHostPort(host)
	run := url.Values{"variant": {"buggy"}}
	tests := []struct {
		name   string
		method string
		header map[string]string
		code   int
	}{
		{"own host", "GET", nil, 200},
		{"localhost", "GET", map[string]string{"Host": "localhost:" + port}, 200},
		{"rebound name", "GET", map[string]string{"Host": "evil.example:" + port}, 403},
		{"other port", "GET", map[string]string{"Host": "127.0.0.1:1"}, 403},
		{"post from own page", "POST", map[string]string{"Origin": base}, 303},
		{"post without Origin (curl)", "POST", nil, 303},
		{"post from localhost page", "POST", map[string]string{"Host": "localhost:" + port, "Origin": "http://localhost:" + port}, 303},
		{"post from another site", "POST", map[string]string{"Origin": "http://evil.example"}, 403},
		{"post from another port", "POST", map[string]string{"Origin": "http://127.0.0.1:1"}, 403},
		{"post from a sandboxed frame", "POST", map[string]string{"Origin": "null"}, 403},
		{"post over https origin", "POST", map[string]string{"Origin": "https://" + host}, 403},
		{"post marked cross-site", "POST", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, form := base+"/", url.Values(nil)
			if tt.method == "POST" {
				u, form = base+"/scenarios/bank-transfer/runs", run
			}
			resp, body := do(t, tt.method, u, form, tt.header)
			if resp.StatusCode != tt.code {
				t.Errorf("status %d, want %d\n%s", resp.StatusCode, tt.code, body)
			}
		})
	}
}

func TestRunVariants(t *testing.T) {
	base := serve(t, &fake{}, 2)
	page := finished(t, post(t, base, "bank-transfer", url.Values{"variant": {"buggy"}}))
	for _, want := range []string{`data-state="done"`, `data-kind="lock-order-cycle"`, "Lock-order cycle: &lt;A.mu&gt;",
		"lockscope: building &lt;b&gt;x&lt;/b&gt;", `data-src="/runs/1/report.html"`, `sandbox="allow-scripts"`} {
		if !strings.Contains(page, want) {
			t.Errorf("buggy run's page has no %q", want)
		}
	}
	page = finished(t, post(t, base, "bank-transfer", url.Values{"variant": {"fixed"}}))
	if !strings.Contains(page, `id="clean"`) || strings.Contains(page, `data-kind=`) {
		t.Errorf("fixed run's page is not clean")
	}
	resp, body := do(t, "GET", base+"/runs/1/report.html", nil, nil)
	if resp.StatusCode != 200 || body != "<p>report</p>" || resp.Header.Get("Content-Security-Policy") != reportCSP {
		t.Errorf("report: %s, CSP %q, %q", resp.Status, resp.Header.Get("Content-Security-Policy"), body)
	}
}

func TestRunEdited(t *testing.T) {
	f := &fake{reqs: make(chan Request, 1)}
	base := serve(t, f, 2)
	u := post(t, base, "bank-transfer", url.Values{"source": {"package main\r\n// FINDING\r\nfunc main() {}\r\n"}})
	r := <-f.reqs
	if r.Variant != "edited" || string(r.Files["main.go"]) != "package main\n// FINDING\nfunc main() {}\n" {
		t.Errorf("request: variant %q, main.go %q", r.Variant, r.Files["main.go"])
	}
	if page := finished(t, u); !strings.Contains(page, `data-kind="lock-order-cycle"`) || !strings.Contains(page, "// FINDING") {
		t.Errorf("the edited run's page lacks its finding or the learner's code")
	}

	// Another file of a scenario of several: only it is replaced.
	u = post(t, base, "pool-starvation", url.Values{"file": {"pool.go"}, "source": {"package main\n// my pool\n"}})
	r = <-f.reqs
	buggy, _ := r.Scenario.Files("buggy")
	if string(r.Files["pool.go"]) != "package main\n// my pool\n" || string(r.Files["main.go"]) != string(buggy["main.go"]) {
		t.Errorf("edit of pool.go: pool.go %q, main.go changed: %v", r.Files["pool.go"], string(r.Files["main.go"]) != string(buggy["main.go"]))
	}
	if page := finished(t, u); !strings.Contains(page, `<form method="post" action="/scenarios/pool-starvation/runs" class="editor" data-file="pool.go">`) {
		t.Errorf("the run's page does not offer pool.go to edit again")
	}

	u = post(t, base, "bank-transfer", url.Values{"source": {"package main\nBUILD ERROR\n"}})
	<-f.reqs
	page := finished(t, u)
	if !strings.Contains(page, `id="build-error"`) || !strings.Contains(page, "undefined: &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("no escaped compiler message in the page:\n%s", page)
	}
	if strings.Contains(page, `src="/runs/2/report.html"`) {
		t.Errorf("a build failure shows a report")
	}
}

func TestRunRefused(t *testing.T) {
	base := serve(t, &fake{}, 2)
	tests := []struct {
		name string
		form url.Values
		code int
		want string
	}{
		{"no variant", url.Values{}, 400, "variant must be buggy or fixed"},
		{"unknown variant", url.Values{"variant": {"solution"}}, 400, "not &#34;solution&#34;"},
		{"unknown file", url.Values{"source": {"x"}, "file": {"go.mod"}}, 400, "no file &#34;go.mod&#34;"},
		{"path as file", url.Values{"source": {"x"}, "file": {"../main.go"}}, 400, "no file"},
		{"two sources", url.Values{"source": {"x", "y"}}, 400, "one source file"},
		{"too big", url.Values{"source": {strings.Repeat("x", maxSource+1)}}, 400, "at most 256 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, "POST", base+"/scenarios/bank-transfer/runs", tt.form, map[string]string{"Origin": base})
			if resp.StatusCode != tt.code || !strings.Contains(body, tt.want) {
				t.Errorf("status %d, want %d with %q\n%s", resp.StatusCode, tt.code, tt.want, body)
			}
		})
	}
	if resp, _ := do(t, "POST", base+"/scenarios/no-such/runs", url.Values{"variant": {"buggy"}}, nil); resp.StatusCode != 404 {
		t.Errorf("run of an unknown scenario: %s", resp.Status)
	}
}

// TestRunsBounded: with one slot, a second run while the first is in
// progress is refused with 503, and accepted once the first has ended.
func TestRunsBounded(t *testing.T) {
	f := &fake{gate: make(chan struct{}), reqs: make(chan Request, 2)}
	base := serve(t, f, 1)
	first := post(t, base, "bank-transfer", url.Values{"variant": {"buggy"}})
	<-f.reqs // the first run holds the slot
	resp, body := do(t, "POST", base+"/scenarios/bank-transfer/runs", url.Values{"variant": {"fixed"}}, nil)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "busy") {
		t.Errorf("second run: %s\n%s", resp.Status, body)
	}
	if _, page := do(t, "GET", first, nil, nil); !strings.Contains(page, `data-state="running"`) || !strings.Contains(page, `http-equiv="refresh"`) {
		t.Errorf("a running run's page does not say so")
	}
	close(f.gate)
	finished(t, first)
	post(t, base, "bank-transfer", url.Values{"variant": {"fixed"}})
}

// TestServeCancelsRuns: when the server is stopped, runs in progress are
// cancelled and Serve waits for them.
func TestServeCancelsRuns(t *testing.T) {
	f := &fake{gate: make(chan struct{}), reqs: make(chan Request, 1)}
	srv, err := New(Options{Run: f.run})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	post(t, base, "bank-transfer", url.Values{"variant": {"buggy"}})
	r := <-f.reqs
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(r.Dir); !os.IsNotExist(err) {
		t.Errorf("the run's directory %s is still there: %v", r.Dir, err)
	}
}

func TestLimits(t *testing.T) {
	// httptest's recorder checks the handler alone: a POST body past the
	// bound is refused before it is read whole.
	srv, err := New(Options{Run: (&fake{}).run, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler(context.Background(), "127.0.0.1:7070")
	body := "source=" + strings.Repeat("x", 3*maxSource)
	req := httptest.NewRequest("POST", "http://127.0.0.1:7070/scenarios/bank-transfer/runs", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusBadRequest {
		t.Errorf("oversized form: %d", w.Code)
	}
}

func TestAllowedHosts(t *testing.T) {
	tests := []struct {
		addr      string
		want, not []string
	}{
		{"127.0.0.1:7070", []string{"127.0.0.1:7070", "localhost:7070"}, []string{"127.0.0.1:7071", "evil.example:7070", "0.0.0.0:7070"}},
		{"[::1]:7070", []string{"[::1]:7070", "localhost:7070"}, []string{"::1:7070"}},
		{"192.0.2.7:80", []string{"192.0.2.7:80"}, []string{"localhost:80"}},
		{"0.0.0.0:7070", []string{"0.0.0.0:7070", "localhost:7070", "127.0.0.1:7070"}, []string{"evil.example:7070"}},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got := allowedHosts(tt.addr)
			for _, h := range tt.want {
				if !slices.Contains(got, h) {
					t.Errorf("%s not allowed; allowed: %q", h, got)
				}
			}
			for _, h := range tt.not {
				if slices.Contains(got, h) {
					t.Errorf("%s allowed", h)
				}
			}
		})
	}
}
