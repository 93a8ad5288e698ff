// Package workshop is lockscope's classroom: an HTTP server, meant for a
// learner's own machine, that presents the built-in scenarios in teaching
// order and runs them through lockscope's pipeline.
//
// # Pages
//
//	GET  /                       the catalogue, grouped by concept (Curriculum)
//	GET  /scenarios/NAME         narrative, buggy and fixed code side by side
//	                             with the changed lines marked, run buttons and
//	                             an editor for the buggy code
//	POST /scenarios/NAME/runs    variant=buggy|fixed, or source= an edited file
//	                             of the buggy variant (file=, default main.go):
//	                             starts a run, answers 303 to its page
//	GET  /runs/ID                progress, then the verdict, the findings, the
//	                             compiler's message for an edit that does not
//	                             build, and the HTML report in a frame
//	GET  /runs/ID/progress       "running" or "done", then the progress lines
//	GET  /runs/ID/report.html    the run's report
//
// # Safety
//
// The server runs code, so it is careful about who may ask. It answers
// only requests whose Host is its own address (or localhost on its port;
// on 0.0.0.0, any of the machine's addresses on its port), which defeats
// DNS rebinding; it refuses with 403 a POST whose Origin is
// another origin, or that the browser marks cross-site, since any page
// open in the learner's browser could otherwise post a program to it. Its
// pages load nothing from outside: a Content-Security-Policy allows only
// its own stylesheet and script, and the report is framed sandboxed, in an
// origin of its own. Every string from a scenario, an edit, a compiler or
// a report is escaped by html/template. Runs are bounded in number at
// once (Options.MaxRuns; more are refused with 503) and in time
// (Options.RunTimeout).
//
// The server never runs anything itself: Options.Run does, which the
// command line provides (cmd/workshop.go), so this package does not
// depend on the command line, and it never prints or exits.
package workshop
