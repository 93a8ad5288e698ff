// Package browsertest opens pages in Debian's headless chromium for
// lockscope's browser tests (the HTML report, the workshop) and records what
// they do: console errors and exceptions, dialogs, and every network
// request, so that a test can require a page that stands alone.
//
// Chromium comes from the PATH (.ci/run installs Debian's package). Without
// it a test is skipped, except in CI (CI=true), where that is a failure.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Chromium returns the browser's path, or skips t (fails it in CI).
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH; CI must install it (see .ci/run)")
	}
	t.Skip("no chromium on PATH")
	return ""
}

// Browser is one headless chromium and the record of what its pages did.
type Browser struct {
	// Ctx runs chromedp actions in the browser; it ends with the test or
	// after the timeout given to New.
	Ctx context.Context

	mu       sync.Mutex // guards the fields below, written by the event listener
	errors   []string
	requests []string
	dialogs  []string
}

// New starts a fresh headless chromium (its own profile, 1280x900, no
// background traffic) for at most timeout; it stops when t ends.
func New(t testing.TB, timeout time.Duration) *Browser {
	t.Helper()
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(Chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelTimeout)
	b := &Browser{Ctx: ctx}
	if err := chromedp.Listen(ctx, b.listen); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	for _, err := range []error{
		call(ctx, network.Enable, network.EnableParams{}),
		call(ctx, cdplog.Enable, cdp.Empty{}),
		call(ctx, runtime.Enable, cdp.Empty{}),
	} {
		if err != nil {
			t.Fatalf("start chromium: %v", err)
		}
	}
	return b
}

func call[P, R any](ctx context.Context, c cdp.Command[P, R], p P) error {
	_, err := chromedp.Call(ctx, c, p)
	return err
}

func (b *Browser) record(list *[]string, s string) {
	b.mu.Lock()
	*list = append(*list, s)
	b.mu.Unlock()
}

// listen records what the pages do; it runs on chromedp's read loop, so
// it only records, and answers dialogs from another goroutine.
func (b *Browser) listen(ev any) {
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
			b.record(&b.errors, fmt.Sprintf("console.%s: %s", e.Type, args(e.Args)))
		}
	case *runtime.EventExceptionThrown:
		b.record(&b.errors, fmt.Sprintf("exception: %s at %s:%d", e.ExceptionDetails.Text, e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber))
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError || e.Entry.Level == cdplog.EntryLevelWarning {
			b.record(&b.errors, fmt.Sprintf("log %s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		b.record(&b.requests, e.Request.URL)
	case *page.EventJavascriptDialogOpening:
		b.record(&b.dialogs, e.Message)
		go call(b.Ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
	}
}

func args(as []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range as {
		parts = append(parts, string(a.Value)+a.Description)
	}
	return strings.Join(parts, " ")
}

// Check fails t for every console error, exception and dialog so far, and
// for every request allowed does not accept; it also fails when no request
// was recorded at all (the listener saw nothing, so the rest proves
// nothing).
func (b *Browser) Check(t testing.TB, allowed func(url string) bool) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		t.Errorf("console: %s", e)
	}
	for _, d := range b.dialogs {
		t.Errorf("a page opened a dialog: %q", d)
	}
	for _, r := range b.requests {
		if !allowed(r) {
			t.Errorf("a page made a request it should not: %s", r)
		}
	}
	if len(b.requests) == 0 {
		t.Error("no request recorded at all: the listener saw nothing")
	}
}

// Eval evaluates js in the current page.
func Eval[T any](t testing.TB, b *Browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}
