package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/findings"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestMain lets scripts run the lockscope binary (exec lockscope ...) as a
// re-execution of this test binary.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"lockscope": func() { os.Exit(Main(System())) },
	})
}

// TestScript runs the end-to-end CI scenarios in testdata/script/*.txtar.
// Besides testscript's builtins, scripts have:
//
//	exits N ARGS...         run lockscope ARGS in-process; the exit code must be N
//	sarif-valid FILE        FILE validates against the SARIF 2.1.0 schema
//	same-findings A B       findings.json A and B have the same IDs and counts
//	ids-equal A B           findings.json A and B have the same IDs (counts aside)
//	finding FILE KIND       print the findings of KIND in FILE as JSON lines to stdout
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// The go command that exec'd lockscope runs needs the real caches.
			for _, k := range []string{"HOME", "GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOTOOLCHAIN", "XDG_CACHE_HOME"} {
				if v, ok := os.LookupEnv(k); ok {
					env.Setenv(k, v)
				}
			}
			schemas, err := filepath.Abs("../reports/testdata")
			env.Setenv("SCHEMADIR", schemas)
			env.Setenv("REALGO", goBinary())
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":         cmdExits,
			"sarif-valid":   cmdSARIFValid,
			"same-findings": func(ts *testscript.TestScript, neg bool, args []string) { compareFindings(ts, neg, args, true) },
			"ids-equal":     func(ts *testscript.TestScript, neg bool, args []string) { compareFindings(ts, neg, args, false) },
			"finding":       cmdFinding,
		},
	})
}

// goBinary is the go command the tests run with, for scripts that put a
// wrapper in front of it.
func goBinary() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: exits N ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	var out, errb bytes.Buffer
	code := Execute(&Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Dir: ts.MkAbs(".")}, args[1:])
	fmt.Fprint(ts.Stdout(), out.String())
	fmt.Fprint(ts.Stderr(), errb.String())
	if code != want {
		ts.Fatalf("lockscope %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args[1:], " "), code, want, out.String(), errb.String())
	}
}

func cmdSARIFValid(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: sarif-valid FILE")
	}
	sch, err := jsonschema.NewCompiler().Compile(filepath.Join(ts.Getenv("SCHEMADIR"), "sarif-schema-2.1.0.json"))
	ts.Check(err)
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	ts.Check(err)
	if err := sch.Validate(inst); (err != nil) != neg {
		ts.Fatalf("%s against the SARIF 2.1.0 schema: %v", args[0], err)
	}
}

func loadFindings(ts *testscript.TestScript, path string) *findings.Result {
	data, err := os.ReadFile(ts.MkAbs(path))
	ts.Check(err)
	var res findings.Result
	ts.Check(json.Unmarshal(data, &res))
	return &res
}

// compareFindings compares two results by finding ID (and count).
func compareFindings(ts *testscript.TestScript, neg bool, args []string, counts bool) {
	if len(args) != 2 {
		ts.Fatalf("usage: same-findings A B")
	}
	key := func(res *findings.Result) []string {
		var out []string
		for _, f := range res.Findings {
			k := string(f.Kind) + " " + f.ID
			if counts {
				k += fmt.Sprintf(" x%d", f.Count)
			}
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	a, b := key(loadFindings(ts, args[0])), key(loadFindings(ts, args[1]))
	if len(a) == 0 {
		ts.Fatalf("%s has no findings to compare", args[0])
	}
	if slices.Equal(a, b) == neg {
		ts.Fatalf("%s: %v\n%s: %v", args[0], a, args[1], b)
	}
}

func cmdFinding(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: finding FILE KIND")
	}
	for _, f := range loadFindings(ts, args[0]).Findings {
		if string(f.Kind) != args[1] {
			continue
		}
		data, err := json.Marshal(f)
		ts.Check(err)
		fmt.Fprintln(ts.Stdout(), string(data))
	}
}
