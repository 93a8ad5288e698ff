package cmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/scenarios"
)

func TestUsageErrorsExit2(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"unknown flag", []string{"run", "bank-transfer", "--nope"}, "unknown flag"},
		{"run without target", []string{"run"}, "needs a scenario name"},
		{"unknown scenario", []string{"run", "no-such-scenario"}, "no scenario"},
		{"bad fail-on", []string{"run", "bank-transfer", "--fail-on", "sometimes"}, "--fail-on"},
		{"bad format", []string{"test", "--format", "pdf"}, "unknown --format"},
		{"unknown kind", []string{"explain", "spaghetti"}, "unknown finding kind"},
		{"report without file", []string{"report"}, "one findings.json"},
		{"missing main package", []string{"run", "./does/not/exist"}, "no main package"},
		{"not in a module", []string{"test"}, "not inside a Go module"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := lockscope(t, t.TempDir(), tt.args...)
			if code != ExitError {
				t.Errorf("exit %d, want %d", code, ExitError)
			}
			if !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("stderr %q, want one line containing %q", stderr, tt.want)
			}
		})
	}
}

// TestExplainCoversEveryKind: every finding kind of the contract has an
// explanation and advice, and explain prints them.
func TestExplainCoversEveryKind(t *testing.T) {
	kinds := []string{"lock-order-cycle", "double-lock", "recursive-rlock", "unlock-of-unlocked",
		"mixed-deadlock", "blocking-under-lock", "blocked-forever", "hang", "data-race",
		"contention", "long-hold", "lock-leak", "target-failure"}
	for _, k := range kinds {
		code, stdout, _ := lockscope(t, t.TempDir(), "explain", k)
		c := findings.Lookup(findings.Kind(k))
		if code != ExitOK || c == nil {
			t.Errorf("explain %s: exit %d, check %v", k, code, c)
			continue
		}
		if !strings.Contains(stdout, strings.TrimSpace(c.Doc)) || !strings.Contains(stdout, strings.TrimSpace(c.Advice)) || len(c.Advice) < 40 {
			t.Errorf("explain %s does not print its documentation and advice:\n%s", k, stdout)
		}
	}
}

func TestScenariosList(t *testing.T) {
	code, stdout, _ := lockscope(t, t.TempDir(), "scenarios", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var list []scenarioJSON
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatalf("scenarios --json: %v\n%s", err, stdout)
	}
	if len(list) != len(scenarios.All()) || len(list) < 6 {
		t.Fatalf("listed %d scenarios, catalogue has %d", len(list), len(scenarios.All()))
	}
	code, stdout, _ = lockscope(t, t.TempDir(), "scenarios", "show", "bank-transfer", "--variant", "fixed")
	if code != ExitOK || !strings.Contains(stdout, "package main") || !strings.Contains(stdout, "fixed/") {
		t.Errorf("scenarios show: exit %d\n%s", code, stdout)
	}
}

// TestRunArgumentsReachOptions checks the thin command layer: flags and
// arguments after -- land in the options given to the core.
func TestRunArgumentsReachOptions(t *testing.T) {
	var got *RunOptions
	c := NewCmdRun(&Streams{Dir: "/"}, func(_ context.Context, _ *Streams, o *RunOptions) error { got = o; return nil })
	c.SetArgs([]string{"./cmd/server", "--runs", "3", "--race", "--timeout", "7s", "--fail-on", "warning", "--", "-port", "8080"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Target != "./cmd/server" || got.Runs != 3 || !got.Race || got.Timeout != 7*time.Second ||
		got.FailOn != "warning" || strings.Join(got.Args, " ") != "-port 8080" || !got.timeoutSet {
		t.Errorf("options: %+v", got)
	}
	var tgot *TestOptions
	tc := NewCmdTest(&Streams{Dir: "/"}, func(_ context.Context, _ *Streams, o *TestOptions) error { tgot = o; return nil })
	tc.SetArgs([]string{"./a", "./b/...", "--", "-run", "TestX", "-count=2"})
	if err := tc.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(tgot.Packages, " ") != "./a ./b/..." || strings.Join(tgot.TestFlags, " ") != "-run TestX -count=2" || tgot.Timeout != testTimeout {
		t.Errorf("test options: %+v", tgot)
	}
}
