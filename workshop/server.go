package workshop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/lockscope/lockscope/scenarios"
)

// Options configure a Server. Run is required; a zero limit means its
// default.
type Options struct {
	// Run runs a scenario through lockscope's pipeline.
	Run Runner
	// Dir holds the runs' modules and reports; empty means a new temporary
	// directory, removed by Serve when it returns.
	Dir string
	// MaxRuns is how many runs may be in progress at once (default 2);
	// a run asked for past it is refused with 503.
	MaxRuns int
	// RunTimeout bounds each run, building included (default 2 minutes).
	RunTimeout time.Duration
	// KeepRuns is how many runs the server remembers (default 50); older
	// finished runs and their files are dropped.
	KeepRuns int
}

// maxSource bounds a learner's edited file, in bytes.
const maxSource = 256 << 10

// Server is the classroom: it serves the catalogue and runs scenarios.
// Its pages load nothing from outside (a Content-Security-Policy forbids
// it), it answers only requests addressed to its own host and port, and it
// refuses a POST from a page of another origin.
type Server struct {
	runs    *runs
	tempDir string // removed by Serve; "" when Options.Dir was given
}

// New returns a Server.
func New(o Options) (*Server, error) {
	if o.Run == nil {
		return nil, errors.New("workshop: no Runner")
	}
	if o.MaxRuns <= 0 {
		o.MaxRuns = 2
	}
	if o.RunTimeout <= 0 {
		o.RunTimeout = 2 * time.Minute
	}
	if o.KeepRuns <= 0 {
		o.KeepRuns = 50
	}
	s := &Server{}
	if o.Dir == "" {
		dir, err := os.MkdirTemp("", "lockscope-workshop-")
		if err != nil {
			return nil, fmt.Errorf("workshop: %w", err)
		}
		o.Dir, s.tempDir = dir, dir
	}
	s.runs = &runs{root: o.Dir, slots: make(chan struct{}, o.MaxRuns), timeout: o.RunTimeout,
		run: o.Run, keep: o.KeepRuns, byID: map[string]*run{}}
	return s, nil
}

// Serve serves the classroom on ln until ctx ends, then stops accepting,
// cancels the runs in progress and waits for them. It returns nil when
// ctx ended it.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	runCtx, cancelRuns := context.WithCancel(ctx)
	defer cancelRuns()
	hs := &http.Server{
		Handler:           s.Handler(runCtx, ln.Addr().String()),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		hs.Shutdown(sctx)
		cancel()
		<-served
	}
	cancelRuns()
	s.runs.wait()
	if s.tempDir != "" {
		os.RemoveAll(s.tempDir)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Handler returns the classroom's handler for a server listening on addr
// (host:port); the runs it starts end when runCtx does.
func (s *Server) Handler(runCtx context.Context, addr string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /scenarios/{name}", s.scenario)
	mux.HandleFunc("POST /scenarios/{name}/runs", func(w http.ResponseWriter, r *http.Request) { s.startRun(runCtx, w, r) })
	mux.HandleFunc("GET /runs/{id}", s.runPage)
	mux.HandleFunc("GET /runs/{id}/progress", s.runProgress)
	mux.HandleFunc("GET /runs/{id}/report.html", s.runReport)
	mux.HandleFunc("GET /static/{file}", static)
	return guard(allowedHosts(addr), mux)
}

// allowedHosts are the Host values that name a server on addr: the address
// itself; on loopback, localhost with the same port too; and on an
// unspecified address (0.0.0.0, ::), which listens on every interface,
// each interface's address with the port.
func allowedHosts(addr string) []string {
	hosts := []string{addr}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return hosts
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return hosts
	}
	if ip.IsLoopback() || ip.IsUnspecified() {
		hosts = append(hosts, net.JoinHostPort("localhost", port))
	}
	if ip.IsUnspecified() {
		addrs, _ := net.InterfaceAddrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok {
				hosts = append(hosts, net.JoinHostPort(ipn.IP.String(), port))
			}
		}
	}
	return hosts
}

// guard refuses requests addressed to another host (DNS rebinding: a page
// of evil.example whose name now resolves to 127.0.0.1) and POSTs sent by
// a page of another origin (any page in the learner's browser could
// otherwise run code through the server), and sets the headers every
// answer carries.
func guard(hosts []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin") // not no-referrer: with it, Chrome sends "Origin: null" on our own POSTs
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if !slices.Contains(hosts, r.Host) {
			http.Error(w, "this server answers only to "+strings.Join(hosts, " or "), http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !sameOrigin(r) {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether a state-changing request comes from one of
// the server's own pages. Browsers send Origin with every POST (a sandboxed
// frame sends "null"); a request without one, such as curl's, is let
// through only if the browser's Sec-Fetch-Site does not say otherwise.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Scheme == "http" && u.Host == r.Host && u.Path == ""
}

// csp is the pages' Content-Security-Policy: the server's own stylesheet
// and script, the report in a frame of the same origin, forms posting
// back here, and nothing else.
const csp = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// reportCSP is added to a report served in the run page's frame: the
// report keeps its own policy (a meta tag allowing only its inline style
// and script by hash), and runs sandboxed in an origin of its own, so its
// script can reach neither the server nor the page around it.
const reportCSP = "sandbox allow-scripts; frame-ancestors 'self'"

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	render(w, http.StatusOK, "index", newIndexView(Curriculum, scenarios.All()))
}

func (s *Server) scenario(w http.ResponseWriter, r *http.Request) {
	sc, ok := scenarios.Lookup(r.PathValue("name"))
	if !ok {
		notFound(w, "no scenario "+r.PathValue("name"))
		return
	}
	v, err := newScenarioView(sc)
	if err != nil {
		serverError(w, err)
		return
	}
	render(w, http.StatusOK, "scenario", v)
}

// startRun answers POST /scenarios/NAME/runs: variant=buggy|fixed, or
// source= an edited version of the buggy variant's file (file=, default
// main.go). It starts the run and sends the browser to its page.
func (s *Server) startRun(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	sc, ok := scenarios.Lookup(r.PathValue("name"))
	if !ok {
		notFound(w, "no scenario "+r.PathValue("name"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxSource)
	if err := r.ParseForm(); err != nil {
		badRequest(w, sc, "the form could not be read: "+err.Error())
		return
	}
	p, msg := program(sc, r.PostForm)
	if msg != "" {
		badRequest(w, sc, msg)
		return
	}
	rn, err := s.runs.start(ctx, sc, p)
	if errors.Is(err, errBusy) {
		w.Header().Set("Retry-After", "5")
		render(w, http.StatusServiceUnavailable, "error", errorView{Title: "The workshop is busy",
			Message: fmt.Sprintf("%d runs are in progress, the most this server runs at once. Try again when one has finished.", cap(s.runs.slots)),
			Back:    "/scenarios/" + sc.Name})
		return
	}
	http.Redirect(w, r, "/runs/"+rn.ID, http.StatusSeeOther)
}

// program returns the program a run form asks for, or why it cannot be
// run.
func program(sc *scenarios.Scenario, form url.Values) (p prog, msg string) {
	source, edited := form["source"]
	if !edited {
		p.variant = form.Get("variant")
		if p.variant != scenarios.Buggy && p.variant != scenarios.Fixed {
			return p, fmt.Sprintf("variant must be %s or %s, not %q", scenarios.Buggy, scenarios.Fixed, p.variant)
		}
		var err error
		if p.files, err = sc.Files(p.variant); err != nil {
			return p, err.Error()
		}
		return p, ""
	}
	files, err := sc.Files(scenarios.Buggy)
	if err != nil {
		return p, err.Error()
	}
	name := form.Get("file")
	if name == "" {
		name = "main.go"
	}
	if _, ok := files[name]; !ok || path.Base(name) != name {
		return p, fmt.Sprintf("the buggy variant has no file %q to replace", name)
	}
	if len(source) != 1 || len(source[0]) > maxSource {
		return p, fmt.Sprintf("send one source file of at most %d KiB", maxSource>>10)
	}
	files[name] = []byte(strings.ReplaceAll(source[0], "\r\n", "\n")) // a textarea sends CRLF
	return prog{variant: Edited, files: files, edited: name}, ""
}

func (s *Server) lookupRun(w http.ResponseWriter, r *http.Request) *run {
	rn := s.runs.get(r.PathValue("id"))
	if rn == nil {
		notFound(w, "no run "+r.PathValue("id")+" (runs are forgotten when the workshop restarts)")
	}
	return rn
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	if rn := s.lookupRun(w, r); rn != nil {
		render(w, http.StatusOK, "run", newRunView(rn))
	}
}

// runProgress answers the run page's script: the progress lines so far
// and whether the run is done, as text: "done" or "running", then the
// lines.
func (s *Server) runProgress(w http.ResponseWriter, r *http.Request) {
	rn := s.lookupRun(w, r)
	if rn == nil {
		return
	}
	done, _, _, _ := rn.state()
	state := "running"
	if done {
		state = "done"
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, state)
	for _, l := range rn.Progress.Lines() {
		fmt.Fprintln(w, l)
	}
}

func (s *Server) runReport(w http.ResponseWriter, r *http.Request) {
	rn := s.lookupRun(w, r)
	if rn == nil {
		return
	}
	done, o, _, _ := rn.state()
	if !done || o == nil || o.Report == "" {
		notFound(w, "run "+rn.ID+" has no report")
		return
	}
	data, err := os.ReadFile(o.Report)
	if err != nil {
		serverError(w, err)
		return
	}
	w.Header().Set("Content-Security-Policy", reportCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(data)
}

// render executes the page template name into a buffer, so that no half
// page is sent, and writes it with the pages' headers.
func render(w http.ResponseWriter, code int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "workshop: render "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

func notFound(w http.ResponseWriter, msg string) {
	render(w, http.StatusNotFound, "error", errorView{Title: "Not found", Message: msg, Back: "/"})
}

func badRequest(w http.ResponseWriter, sc *scenarios.Scenario, msg string) {
	render(w, http.StatusBadRequest, "error", errorView{Title: "Cannot run that", Message: msg, Back: "/scenarios/" + sc.Name})
}

func serverError(w http.ResponseWriter, err error) {
	render(w, http.StatusInternalServerError, "error", errorView{Title: "Internal error", Message: err.Error(), Back: "/"})
}
