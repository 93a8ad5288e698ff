// Package instrument rewrites a Go module so that its locks report to
// lockscope's runtime, without touching the user's files: the result is a
// build overlay (go build -overlay) plus whatever brings the runtime into
// the build in the go command's own mode for the target (see placement.go:
// a temp go.mod in module mode, a temp go.work in workspace mode, overlay
// packages inside the module in vendor mode). Result.BuildArgs and
// Result.BuildEnv give the flags and environment; the target's go line,
// toolchain line, GOFLAGS and -mod choice are never changed, so the build
// is the one `go build` or `go test` would make.
//
// # What is rewritten
//
// Every package of the main module that the patterns match or that they
// import (with Config.Tests, also the _test.go files of the matched
// packages) is loaded and type-checked. Dependencies outside the main
// module are left alone. In those files:
//
//   - Every reference to the types sync.Mutex, sync.RWMutex and
//     go-deadlock's Mutex and RWMutex becomes lockrt.Mutex or
//     lockrt.RWMutex: fields, embedded fields (which keep their name,
//     Mutex or RWMutex), pointers, variables, composite literals, new(...),
//     type arguments and alias declarations, through any import name or a
//     dot import.
//   - Calls X.Lock(), X.TryLock(), X.RLock() and X.TryRLock() whose method,
//     after that rewrite and a second type-check, belongs to the runtime's
//     Mutex or RWMutex (directly or promoted through embedded fields)
//     become X.LockAt(p), X.TryLockAt(p), X.RLockAt(p), X.TryRLockAt(p),
//     where p is the call's event.Site.Packed(). Unlock and RUnlock calls are
//     recorded in the site table but keep their text. Method values
//     (f := mu.Lock), method expressions and calls through interfaces
//     (sync.Locker, sync.Cond.L, type parameters) are not rewritten: the
//     runtime sees them as dynamic sites.
//   - References to os.Exit become lockrt.Exit, so the runtime records its
//     final snapshot. In package main, func main is renamed
//     lockscopeUserMain and an added file declares
//     func main() { lockrt.Main(lockscopeUserMain) }. With Config.Tests,
//     each tested package without a TestMain (in its own or its external
//     test package) gets an added zz_lockscope_test.go declaring
//     func TestMain(m *testing.M) { lockrt.Exit(m.Run()) }, in the package
//     of its in-package tests, or of its external tests if it has no other.
//   - With Config.Tests, every test function (func TestXxx(t *testing.T))
//     and every function literal passed to t.Run starts with
//     lockscopert.TestStart(t); inserted right after its opening brace, so
//     the runtime can label the test's goroutines and report those it
//     leaves blocked (teststart.go). Every example (func ExampleXxx())
//     starts with defer lockscopert.ExampleStart("ExampleXxx")(); to the
//     same end.
//
// On Go 1.26, Result.Env adds GOEXPERIMENT=goroutineleakprofile, which
// gives the target the Go runtime's goroutine leak profile (built in from
// Go 1.27; on older toolchains a note says leaks are not proved).
//
// The runtime is imported as lockscopert (or lockscopert1, ... when the
// module already uses that identifier anywhere); the new names of main and
// of the testing import are chosen the same way. An import that the
// rewrite leaves unused becomes a blank import.
//
// Edits are made by byte offset on the original text and never add or
// remove a newline: the runtime's import is appended to the end of the last
// import declaration ("); import lockscopert ...", or to the package clause
// in files with import "C"), so every line of user
// code stays on its line and compiler messages and stack traces point at
// the user's files. Rewritten files are not gofmt-formatted.
//
// # Lock classes
//
// Each recorded call's lock is named from its receiver expression, after
// removing parentheses, & and *:
//
//   - a struct field: "Type.field", where Type is the named type that
//     directly declares the field (pointers, aliases and type arguments
//     removed), e.g. "Replica.raftMu", "Guarded.mu". Kind "field".
//   - a lock reached through embedding (c.Lock() where Cache embeds
//     sync.Mutex): the embedded field, "Cache.Mutex"; through several
//     embeddings, the type that directly holds the lock field.
//   - a field of an unnamed struct type: the name of what holds the struct
//     plus ".field", e.g. "pkg.state.Mutex" for var state struct{ sync.Mutex }.
//   - a package variable: "pkg.var" with the package name. Kind "var".
//   - a local variable or parameter: "Func.var". Kind "local".
//   - an index expression (locks[i]): the class of the slice, array or map
//     when that is a field or variable.
//   - anything else (a call result, say): the site, "Func:line". Kind "site".
//
// Func is "Type.Method" for a method (generic receivers without their type
// parameters), the function's name otherwise, and "init" for package-level
// initializers; a closure counts as its enclosing function and the user's
// main stays "main". Class.Key is unique: the package path plus the name,
// and for locals and sites also the declaration position. When classes of
// different keys share a name, the package name is prefixed to each
// ("kv.Store.mu", "raft.Store.mu"); names still shared then get "@line" of
// their declaration. Class.Decl is the declaration (the call for site
// classes), with an absolute path and an empty Func.
//
// Site.Frame is the call: Func is named as the Go runtime names it in stack
// traces, import path first ("example.com/kv.(*Replica).handleRaftReady",
// "main.main"; closures take their enclosing function's name), so that site
// frames and recorded stacks read alike. File is the absolute path of the
// user's original file, Line its line. Sites are numbered from 1 in order
// of file path and offset; classes from 1 in order of declaration file,
// line and key. Index 0 of both tables is unused.
//
// # Limitations
//
// Only code the go command compiles with Config.BuildFlags on this platform
// is rewritten. Files with import "C" are type-checked in cgo's translation
// and edited in the original through the translation's //line comments
// (source.go). Other main modules of a workspace are built as they are. In
// vendor mode the runtime is built without its assembly: goroutine IDs come
// from runtime.Stack, which makes each lock operation cost about a
// microsecond more, and test builds skip vet (which cannot enter a directory
// that exists only in the overlay). A lockscope built with an older Go than
// the target's go line type-checks it with its own go/types and says so in
// Result.Notes. A main-module value of a rewritten
// type passed to a dependency that wants *sync.Mutex no longer compiles
// (the second type-check reports it as a LoadError with Instrumented set).
// log.Fatal and exits from dependencies bypass lockrt.Exit.
package instrument
