// Command pool-starvation renders pages on a fixed pool of workers. Page
// tasks submit their fragment fetches to a second pool, so a page waiting
// for its fragments never holds the worker a fragment needs.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Renderer builds pages from fragments served by a fragment service.
type Renderer struct {
	base      string
	client    *http.Client
	pages     *Pool // runs render
	fragments *Pool // runs fragment; never waits on either pool
}

// fragment fetches one fragment of a page.
func (r *Renderer) fragment(page, part string) (string, error) {
	resp, err := r.client.Get(r.base + "/fragments/" + page + "/" + part)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return strings.TrimSpace(string(b)), err
}

// render builds one page. It runs on the pages pool and waits only for
// tasks of the fragments pool, whose tasks wait for nothing.
func (r *Renderer) render(page string) (string, error) {
	var parts []*Future
	for _, part := range []string{"header", "body", "footer"} {
		part := part
		parts = append(parts, r.fragments.Submit(func() (string, error) { return r.fragment(page, part) }))
	}
	var b strings.Builder
	for _, f := range parts {
		s, err := f.Get()
		if err != nil {
			return "", err
		}
		b.WriteString(s + "\n")
	}
	return b.String(), nil
}

func fragments(w http.ResponseWriter, req *http.Request) {
	time.Sleep(time.Millisecond)
	fmt.Fprintf(w, "<div>%s</div>\n", strings.TrimPrefix(req.URL.Path, "/fragments/"))
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(fragments)}
	go srv.Serve(ln)
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()

	r := &Renderer{base: "http://" + ln.Addr().String(), client: &http.Client{Transport: tr},
		pages: NewPool(64), fragments: NewPool(64)}
	// The nightly rebuild queues every page, then starts the workers.
	var pages []*Future
	for i := 0; i < 6; i++ {
		page := fmt.Sprintf("page-%d", i)
		pages = append(pages, r.pages.Submit(func() (string, error) { return r.render(page) }))
	}
	r.pages.Start(4)
	r.fragments.Start(4)

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	rendered := 0
	for _, f := range pages {
		select {
		case <-f.done:
			rendered++
		case <-ctx.Done():
		}
	}
	r.pages.Close() // its tasks submit to fragments: close it first
	r.fragments.Close()
	fmt.Printf("rendered %d of %d pages\n", rendered, len(pages))
}
