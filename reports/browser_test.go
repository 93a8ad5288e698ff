package reports_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lockscope/lockscope/cmd"
	"github.com/lockscope/lockscope/internal/browsertest"
)

// The browser tests open report.html, written by the real pipeline, in
// Debian's chromium (which .ci/run installs). They skip when no chromium is
// found, except in CI (CI=true), where that is a failure.

// lockscope runs the command line in dir and returns the report's path.
func lockscope(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	args = append(args, "--out", out, "--format", "html,json")
	code := cmd.Execute(&cmd.Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr, Dir: dir}, args)
	if code != cmd.ExitFindings {
		t.Fatalf("lockscope %s: exit %d, want %d (findings)\n%s%s", strings.Join(args, " "), code, cmd.ExitFindings, stdout.String(), stderr.String())
	}
	return filepath.Join(out, "report.html")
}

// browser is one page load in a fresh headless chromium.
type browser struct{ *browsertest.Browser }

// open loads file in a fresh headless chromium, which records console
// errors, exceptions, network requests and dialogs.
func open(t *testing.T, file string) *browser {
	t.Helper()
	b := &browser{browsertest.New(t, 60*time.Second)}
	url := "file://" + filepath.ToSlash(file)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("footer.bottom"))); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return b
}

// check fails t for console errors, dialogs, and any request but the page.
func (b *browser) check(t *testing.T, file string) {
	t.Helper()
	b.Check(t, func(url string) bool { return url == "file://"+filepath.ToSlash(file) })
}

func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	return browsertest.Eval[T](t, b.Browser, js)
}

func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.ArtifactDir(), name)
	if err = os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func TestBrowserDeadlockReport(t *testing.T) {
	browsertest.Chromium(t)
	if testing.Short() {
		t.Skip("runs a scenario and a browser")
	}
	file := lockscope(t, t.TempDir(), "run", "dining-philosophers")
	b := open(t, file)

	names := eval[[]string](t, b, `Array.from(document.querySelectorAll("figure.cycle svg .node text.name")).map(n => n.textContent)`)
	slices.Sort(names)
	if want := []string{"Table.fork0", "Table.fork1", "Table.fork2", "Table.fork3", "Table.fork4"}; !slices.Equal(names, want) {
		t.Errorf("cycle drawing names %v, want %v", names, want)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#graph svg .node.cyc").length`); n != 5 {
		t.Errorf("the lock-order graph highlights %d nodes, want 5", n)
	}
	if s := eval[string](t, b, `document.querySelector("table.steps tr.deadlock").textContent`); !strings.Contains(s, "deadlock") {
		t.Errorf("the interleaving ends in %q", s)
	}
	if n := eval[int](t, b, `document.querySelectorAll("figure.src .ln.mark").length`); n != 10 {
		t.Errorf("%d source lines marked, want the 10 acquisition sites", n)
	}

	const stack = `document.querySelector("details.stack")`
	before := eval[bool](t, b, stack+`.open`)
	const frame = stack + `.querySelector("ol.frames li").checkVisibility()`
	visibleBefore := eval[bool](t, b, frame)
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS("details.stack > summary"))); err != nil {
		t.Fatal(err)
	}
	after := eval[bool](t, b, stack+`.open`)
	visibleAfter := eval[bool](t, b, frame)
	if before || !after || visibleBefore || !visibleAfter {
		t.Errorf("folded stack: open %v before the click and %v after; first frame visible %v, then %v", before, after, visibleBefore, visibleAfter)
	}
	if !eval[bool](t, b, `!document.getElementById("toolbar").hidden`) {
		t.Errorf("the script did not run: the toolbar is hidden")
	}
	b.screenshot(t, "dining-philosophers.png")
	b.check(t, file)
}

// TestBrowserEscaping runs tests whose names and output carry markup: the
// report shows the text and runs none of it.
func TestBrowserEscaping(t *testing.T) {
	browsertest.Chromium(t)
	if testing.Short() {
		t.Skip("runs a target and a browser")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "escape"))
	if err != nil {
		t.Fatal(err)
	}
	file := lockscope(t, dir, "test", "./...")
	b := open(t, file)
	if title := eval[string](t, b, `document.title`); title == "pwned" || !strings.HasPrefix(title, "lockscope") {
		t.Errorf("document title %q", title)
	}
	if eval[bool](t, b, `window.pwned !== undefined`) {
		t.Errorf("target text ran as script")
	}
	text := eval[string](t, b, `(() => { document.querySelectorAll("details").forEach(d => d.open = true); return document.body.innerText })()`)
	for _, want := range []string{
		`<script>document.title="pwned"</script>`,                // the test name
		`<script>window.pwned=1</script> &lt;tag&gt; <img src=x`, // its output
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the page does not show %q as text", want)
		}
	}
	if n := eval[int](t, b, `document.querySelectorAll("script, img, b").length`); n != 1 {
		t.Errorf("%d script, img or b elements, want only the report's script", n)
	}
	b.screenshot(t, "escaping.png")
	b.check(t, file)
}

// hangModule is a test that really deadlocks: each goroutine takes its
// first Account.mu, hands over through a channel, then waits for the
// other's.
var hangModule = map[string]string{
	"go.mod": "module example.com/bank\n\ngo 1.22\n",
	"bank.go": `package bank

import "sync"

type Account struct {
	ID      int
	mu      sync.Mutex
	balance int
}

func Transfer(from, to *Account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}
`,
	"hang_test.go": `package bank

import "testing"

func TestDeadlock(t *testing.T) {
	a, b := &Account{ID: 1}, &Account{ID: 2}
	ready := make(chan bool)
	go func() {
		a.mu.Lock()
		ready <- true
		<-ready
		Transfer(b, a, 1)
	}()
	<-ready
	b.mu.Lock()
	ready <- true
	a.mu.Lock()
}
`,
}

// TestBrowserHangTimeline runs a test that deadlocks until lockscope stops
// it: the hang's card draws the goroutines' timeline, naming both locks,
// with the deadlock marked, and it shows with scripts or without.
func TestBrowserHangTimeline(t *testing.T) {
	browsertest.Chromium(t)
	if testing.Short() {
		t.Skip("runs a hanging target and a browser")
	}
	dir := t.TempDir()
	for name, data := range hangModule {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := lockscope(t, dir, "test", "--timeout", "5s", "./...")
	b := open(t, file)

	const fig = `document.querySelector("article[data-kind=hang] figure.timeline")`
	if !eval[bool](t, b, fig+` !== null && `+fig+`.querySelector("svg").checkVisibility()`) {
		t.Fatal("the hang card has no visible timeline")
	}
	labels := eval[[]string](t, b, `Array.from(`+fig+`.querySelectorAll("svg text.label")).map(n => n.textContent.replace(n.querySelector("title")?.textContent ?? "", ""))`)
	slices.Sort(labels)
	want := []string{"holds Account.mu#1", "holds Account.mu#2", "waits for Account.mu#1", "waits for Account.mu#2"}
	if !slices.Equal(labels, want) {
		t.Errorf("timeline bars %q, want %q", labels, want)
	}
	if n := eval[int](t, b, fig+`.querySelectorAll("svg .span.hold").length`); n != 2 {
		t.Errorf("%d hold bars, want 2", n)
	}
	if s := eval[string](t, b, fig+`.querySelector("svg .deadlock text")?.textContent ?? ""`); !strings.HasPrefix(s, "deadlock (-") {
		t.Errorf("deadlock marker %q", s)
	}
	// The ticks, not the "process start" label at the left edge (drawn
	// after them when the window reaches back to the start).
	if s := eval[string](t, b, `Array.from(`+fig+`.querySelectorAll("svg text.tick:not(.start)")).map(n => n.textContent).join(" ")`); !strings.HasSuffix(s, "now") {
		t.Errorf("time axis %q does not end at now", s)
	}
	// The bars have a size on screen: laid out, not just present.
	if w := eval[float64](t, b, fig+`.querySelector("svg .span.wait path").getBoundingClientRect().width`); w < 10 {
		t.Errorf("a wait bar is %.1fpx wide", w)
	}
	if err := chromedp.Do(b.Ctx, chromedp.ScrollIntoView(chromedp.CSS("article[data-kind=hang] figure.timeline"))); err != nil {
		t.Fatal(err)
	}
	b.screenshot(t, "hang-timeline.png")
	b.check(t, file)
}
