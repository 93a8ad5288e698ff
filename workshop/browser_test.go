package workshop_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lockscope/lockscope/cmd"
	"github.com/lockscope/lockscope/internal/browsertest"
	"github.com/lockscope/lockscope/scenarios"
	"github.com/lockscope/lockscope/workshop"
)

// The browser test drives the classroom as a learner would, in Debian's
// chromium (which .ci/run installs), against the real 'lockscope
// workshop' command and pipeline. Like reports/browser_test.go it skips
// when no chromium is found, except in CI (CI=true), where that fails.

// startWorkshop runs 'lockscope workshop --addr 127.0.0.1:0' in-process
// and returns the URL it prints first; the server stops when the test
// ends.
func startWorkshop(t *testing.T) string {
	t.Helper()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	root := cmd.NewCmdRoot(&cmd.Streams{In: strings.NewReader(""), Out: pw, Err: &stderr, Dir: t.TempDir()})
	root.SetArgs([]string{"workshop", "--addr", "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("workshop: %v\n%s", err, stderr.String())
		}
	})
	url, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("workshop printed no URL: %v", err)
	}
	return strings.TrimSuffix(strings.TrimSpace(url), "/")
}

// browser is a headless chromium and a record of what its pages did.
type browser struct{ *browsertest.Browser }

func newBrowser(t *testing.T) *browser { return &browser{browsertest.New(t, 3*time.Minute)} }

// check fails t for console errors, dialogs, and any request that left
// the workshop's own origin.
func (b *browser) check(t *testing.T, base string) {
	t.Helper()
	b.Check(t, func(url string) bool { return strings.HasPrefix(url, base+"/") })
}

func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	return browsertest.Eval[T](t, b.Browser, js)
}

// runDone waits until the page is a finished run's page. The page reloads
// itself when the run ends, so an evaluation may fail mid-navigation;
// that is retried.
func runDone(t *testing.T, b *browser) {
	t.Helper()
	const js = `(document.getElementById("run") || {dataset: {}}).dataset.state === "done" && document.readyState === "complete"`
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if done, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](js)); err == nil && done {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	loc, _ := chromedp.Run(b.Ctx, chromedp.Location())
	text, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.body.innerText`))
	t.Fatalf("the run at %s did not finish; the page says:\n%s", loc, text)
}

// screenshot saves the whole page as a test artifact; viewport saves
// only what the window shows (docs/workshop.png is one of those).
// waitFor waits until js is true on the page.
func waitFor(t *testing.T, b *browser, js, what string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
	}
	t.Fatalf("waited 30s for %s", what)
}

func (b *browser) screenshot(t *testing.T, name string) {
	b.save(t, name, chromedp.FullScreenshot(100))
}

func (b *browser) viewport(t *testing.T, name string) { b.save(t, name, chromedp.CaptureScreenshot()) }

func (b *browser) save(t *testing.T, name string, shot chromedp.Action[[]byte]) {
	t.Helper()
	png, err := chromedp.Run(b.Ctx, shot)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// TestBrowserClassroom is a learner's session: the catalogue, a scenario,
// the buggy variant's run with its finding, an edit that does not build,
// then the fix typed in and run with no finding.
func TestBrowserClassroom(t *testing.T) {
	browsertest.Chromium(t)
	if testing.Short() {
		t.Skip("runs scenarios and a browser")
	}
	base := startWorkshop(t)
	b := newBrowser(t)

	b.do(t, "open the catalogue", chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.CSS("footer.bottom")))
	if n := eval[int](t, b, `document.querySelectorAll("section.concept").length`); n != len(workshop.Curriculum) {
		t.Errorf("%d concept sections, want %d", n, len(workshop.Curriculum))
	}
	if n := eval[int](t, b, `document.querySelectorAll("li.card").length`); n != len(scenarios.All()) {
		t.Errorf("%d scenario cards, want %d", n, len(scenarios.All()))
	}
	b.screenshot(t, "catalogue.png")

	b.do(t, "open bank-transfer",
		chromedp.Click(chromedp.CSS(`li.card[data-scenario="bank-transfer"] a`)),
		chromedp.WaitReady(chromedp.CSS(`h1[data-scenario="bank-transfer"]`)))
	if n := eval[int](t, b, `document.querySelectorAll("section.file .side.buggy .ln.chg").length`); n == 0 {
		t.Error("no changed line marked in the buggy code")
	}
	if !eval[bool](t, b, `document.querySelector(".narrative table") !== null`) {
		t.Error("the narrative's interleaving table is not a table")
	}
	b.screenshot(t, "scenario.png")

	b.do(t, "run the buggy variant", chromedp.Click(chromedp.CSS("#run-buggy")))
	runDone(t, b)
	kinds := eval[[]string](t, b, `Array.from(document.querySelectorAll("#findings li")).map(li => li.dataset.kind)`)
	if !slices.Contains(kinds, "lock-order-cycle") {
		t.Errorf("the buggy run's findings are %q, want a lock-order-cycle", kinds)
	}
	if !eval[bool](t, b, `document.querySelector("iframe.report") !== null`) {
		t.Fatal("the run's page embeds no report")
	}
	waitFor(t, b, `document.querySelector("iframe.report").dataset.loaded === "yes"`, "the report's frame to load")
	b.screenshot(t, "run-buggy.png")

	// An edit that does not compile: the compiler's message is shown.
	b.do(t, "back to the scenario", chromedp.Navigate(base+"/scenarios/bank-transfer"), chromedp.WaitReady(chromedp.CSS("footer.bottom")))
	edit(t, b, "package main\n\nfunc main() {\n\tundefinedThing()\n}\n")
	runDone(t, b)
	if msg := eval[string](t, b, `(document.querySelector("#build-error pre") || {}).textContent || ""`); !strings.Contains(msg, "undefined: undefinedThing") {
		t.Errorf("the page shows no compiler message, only %q", msg)
	}
	b.screenshot(t, "run-build-error.png")

	// The learner types the fix in.
	sc, _ := scenarios.Lookup("bank-transfer")
	fixed, err := sc.Files(scenarios.Fixed)
	if err != nil {
		t.Fatal(err)
	}
	b.do(t, "back to the scenario", chromedp.Navigate(base+"/scenarios/bank-transfer"), chromedp.WaitReady(chromedp.CSS("footer.bottom")))
	edit(t, b, string(fixed["main.go"]))
	runDone(t, b)
	if n := eval[int](t, b, `document.querySelectorAll("#findings li").length`); n != 0 || !eval[bool](t, b, `document.getElementById("clean") !== null`) {
		t.Errorf("the fixed edit's run has %d findings", n)
	}
	if v := eval[string](t, b, `document.querySelector("h1 .variant").textContent`); v != "edited" {
		t.Errorf("the run is labelled %q, want edited", v)
	}
	b.screenshot(t, "run-edited.png")

	// The README's picture (docs/workshop.png): the top of a scenario's
	// page, in a window tall enough to show the first changed lines.
	b.do(t, "back to the scenario", chromedp.Navigate(base+"/scenarios/bank-transfer"), chromedp.WaitReady(chromedp.CSS("footer.bottom")))
	b.do(t, "resize", chromedp.EmulateViewport(1280, 1660))
	b.viewport(t, "workshop.png")
	b.check(t, base)
}

// edit replaces the buggy main.go in the scenario page's editor with src,
// as typing would, and runs it.
func edit(t *testing.T, b *browser, src string) {
	t.Helper()
	js, _ := json.Marshal(src)
	eval[bool](t, b, `(() => { const a = document.getElementById("src-main.go"); a.value = `+string(js)+`; a.dispatchEvent(new Event("input")); return true })()`)
	b.do(t, "run the edit", chromedp.Click(chromedp.CSS(`form.editor[data-file="main.go"] button[type=submit]`)))
}
