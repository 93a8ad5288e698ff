package analyzer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/tracer/event"
)

// srcRoot is where the captured programs' sources are; their reports name
// files "racegen/NAME/main.go".
func srcRoot(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", "race", "src"))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// raceLog writes a captured report with its files resolved to
// testdata/race/src, and returns its path.
func raceLog(t *testing.T, texts ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "target.race.123")
	s := strings.ReplaceAll(strings.Join(texts, ""), "racegen/", srcRoot(t)+"/")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// raceSites is a site table: each entry is "Class op line" in file.
func raceSites(file string, rw map[string]bool, entries ...string) *event.SiteTable {
	tab := &event.SiteTable{Classes: []event.Class{{}}, Sites: []event.Site{{}}}
	ids := map[string]int32{}
	for _, e := range entries {
		f := strings.Fields(e)
		if ids[f[0]] == 0 {
			ids[f[0]] = int32(len(tab.Classes))
			tab.Classes = append(tab.Classes, event.Class{ID: ids[f[0]], Name: f[0], Kind: "field", RW: rw[f[0]]})
		}
		line := 0
		for _, c := range f[2] {
			line = line*10 + int(c-'0')
		}
		tab.Sites = append(tab.Sites, event.Site{ID: int32(len(tab.Sites)), Op: f[1], Class: ids[f[0]],
			Frame: event.Frame{Func: "main.x", File: file, Line: line}})
	}
	return tab
}

// analyzeRace runs the whole analysis over one process.
func analyzeRace(t *testing.T, sites *event.SiteTable, proc *Process) *Result {
	t.Helper()
	res, err := Analyze(&Input{Sites: sites, ModuleDir: srcRoot(t), Processes: []*Process{proc}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func findingsOf(res *Result, kind string) []Finding {
	var out []Finding
	for _, f := range res.Findings {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

func TestRaceHalfLocked(t *testing.T) {
	file := filepath.Join(srcRoot(t), "halflocked", "main.go")
	sites := raceSites(file, map[string]bool{"Stats.mu": true}, "Stats.mu Lock 17", "Stats.mu Unlock 18")
	res := analyzeRace(t, sites, &Process{Run: 1, ExitCode: 66, RaceLogs: []string{raceLog(t, readRace(t, "halflocked.race"))}})
	if fs := findingsOf(res, "target-failure"); len(fs) != 0 {
		t.Errorf("a race-only exit is reported as a target failure: %s", fs[0].Title)
	}
	fs := findingsOf(res, "data-race")
	if len(fs) != 1 {
		t.Fatalf("%d data-race findings, want 1: %+v", len(fs), res.Findings)
	}
	f := fs[0]
	if strings.Join(f.Locks, ",") != "Stats.total,Stats.mu" {
		t.Errorf("locks = %q, want the variable, then the lock", f.Locks)
	}
	wantAdvice := "The write in Stats.Add holds Stats.mu, the read in Stats.Total holds nothing: take Stats.mu (or its read lock, RLock) in Stats.Total"
	if !strings.HasPrefix(f.Advice, wantAdvice) {
		t.Errorf("advice = %q\nwant it to start %q", f.Advice, wantAdvice)
	}
	if len(f.Evidence) != 3 {
		t.Fatalf("%d evidence entries, want write, read and one creation stack", len(f.Evidence))
	}
	if e := f.Evidence[0]; !strings.Contains(e.Role, "s.total += n") || strings.Join(e.Held, ",") != "Stats.mu" || e.Goroutine != 7 {
		t.Errorf("write evidence = %+v", e)
	}
	if e := f.Evidence[1]; e.Held != nil || !strings.Contains(e.Role, "main goroutine") || e.Stack[0].Line != 23 {
		t.Errorf("read evidence = %+v", e)
	}
	if !strings.Contains(f.Message, "static, per-function approximation") {
		t.Errorf("message does not say how the lockset was found: %s", f.Message)
	}
}

func TestRaceProgram(t *testing.T) {
	file := filepath.Join(srcRoot(t), "program", "main.go")
	sites := raceSites(file, nil, "Counter.mu Lock 19", "Counter.mu Unlock 21")
	res := analyzeRace(t, sites, &Process{Run: 1, ExitCode: 66, RaceLogs: []string{raceLog(t, readRace(t, "program.race"))}})
	got := map[string]string{}
	for _, f := range findingsOf(res, "data-race") {
		got[strings.Join(f.Locks, ",")] = f.Advice
	}
	want := map[string]string{
		"Counter.hits,Counter.mu": "The write in Counter.Inc holds Counter.mu, the read in Counter.Get holds nothing: take Counter.mu in Counter.Get",
		"main.total":              "Neither side holds a lock: main.total needs one",
		"main.cache":              "Neither side holds a lock: main.cache needs one",
	}
	for k, adv := range want {
		if !strings.HasPrefix(got[k], adv) {
			t.Errorf("finding on %s: advice %q, want it to start %q", k, got[k], adv)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings on %v, want %d", got, len(want))
	}
}

// swapped is the halflocked report with the accesses the other way round
// and other goroutine IDs, as another run could print it.
const swapped = `==================
WARNING: DATA RACE
Read at 0x00c000112233 by main goroutine:
  main.(*Stats).Total()
      racegen/halflocked/main.go:23 +0x10a
  main.main()
      racegen/halflocked/main.go:35 +0x114

Previous write at 0x00c000112233 by goroutine 12:
  main.(*Stats).Add()
      racegen/halflocked/main.go:19 +0xa8
  main.main.func1()
      racegen/halflocked/main.go:31 +0x44

Goroutine 12 (finished) created at:
  main.main()
      racegen/halflocked/main.go:29 +0xfc
==================
`

func TestRaceDedupe(t *testing.T) {
	one := readRace(t, "halflocked.race")
	log := raceLog(t, one, one, swapped, one)
	res := analyzeRace(t, nil, &Process{Run: 1, ExitCode: 66, RaceLogs: []string{log}})
	fs := findingsOf(res, "data-race")
	if len(fs) != 1 || fs[0].Count != 4 {
		t.Fatalf("findings %d, count %d; want one finding seen 4 times", len(fs), fs[0].Count)
	}
	if !strings.Contains(fs[0].Message, "Reported 4 times.") {
		t.Errorf("message does not count: %s", fs[0].Message)
	}
	// across processes, the analysis merges by ID
	res2, err := Analyze(&Input{ModuleDir: srcRoot(t), Processes: []*Process{
		{Run: 1, ExitCode: 66, RaceLogs: []string{raceLog(t, one)}},
		{Run: 2, ExitCode: 66, RaceLogs: []string{raceLog(t, swapped)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if fs := findingsOf(res2, "data-race"); len(fs) != 1 || fs[0].Count != 2 || fs[0].ID != findingsOf(res, "data-race")[0].ID {
		t.Errorf("two runs: %+v", fs)
	}
}

func TestRaceInternalDropped(t *testing.T) {
	internal := strings.ReplaceAll(swapped, "main.(*Stats).Add()\n      racegen/halflocked/main.go:19",
		"github.com/lockscope/lockscope/tracer/lockrt.(*slot).push()\n      /cache/rt/tracer/lockrt/slot.go:40")
	res := analyzeRace(t, nil, &Process{Run: 1, ExitCode: 66, RaceLogs: []string{raceLog(t, internal, readRace(t, "halflocked.race"))}})
	if fs := findingsOf(res, "data-race"); len(fs) != 1 || fs[0].Count != 1 {
		t.Errorf("want only the user's race: %+v", fs)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "1 race report(s) inside lockscope's own lock runtime") {
		t.Errorf("no warning for the dropped report: %q", res.Warnings)
	}
}

func TestRaceFailure(t *testing.T) {
	test := readRace(t, "test.output")
	tests := []struct {
		name    string
		proc    Process
		failure bool
	}{
		{"race exit, reports in the log", Process{ExitCode: 66, RaceLogs: []string{"LOG"}}, false},
		{"race exit, reports in the output", Process{ExitCode: 66, Output: readRace(t, "interleaved.output")}, false},
		{"test failed by the race only", Process{ExitCode: 1, Output: test}, false},
		{"test failed by the race and an error", Process{ExitCode: 1, Output: strings.Replace(test, "    testing.go:", "    go_test.go:30: want 2, got 1\n    testing.go:", 1)}, true},
		{"panic after a race", Process{ExitCode: 2, Output: readRace(t, "interleaved.output") + "panic: boom\n"}, true},
		{"exit 66 without reports", Process{ExitCode: 66, Output: "bye\n"}, true},
		// Real test binaries whose reports went to a log file, as under
		// lockscope --race (testdata/racegen).
		{"race outside of any test, bare FAIL", Process{ExitCode: 1, Output: readRace(t, "outside.output"), RaceLogs: []string{"outside.race"}}, false},
		{"bare FAIL without the race line", Process{ExitCode: 1, Output: "FAIL\n", RaceLogs: []string{"outside.race"}}, true},
		{"subtests that logged, then raced", Process{ExitCode: 1, Package: "racegen/logged", Output: readRace(t, "logged.output"), RaceLogs: []string{"logged.race"}}, false},
		{"subtests that logged, then raced (-test.v)", Process{ExitCode: 1, Package: "racegen/logged", Output: readRace(t, "logged-v.output"), RaceLogs: []string{"logged-v.race"}}, false},
		{"a subtest that failed a check, then raced", Process{ExitCode: 1, Output: strings.Replace(readRace(t, "logged.output"),
			"logged_test.go:31: subtest b done", "logged_test.go:13: check failed", 1), RaceLogs: []string{"logged.race"}}, true},
		{"a test that failed silently", Process{ExitCode: 1, Output: readRace(t, "logged.output") + "--- FAIL: TestOther (0.00s)\nFAIL\n", RaceLogs: []string{"logged.race"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proc := tt.proc
			proc.Run = 1
			proc.Package = strings.ReplaceAll(proc.Package, "racegen/", srcRoot(t)+"/") // as raceLog does
			switch {
			case len(proc.RaceLogs) > 0 && proc.RaceLogs[0] != "LOG":
				proc.RaceLogs = []string{raceLog(t, readRace(t, proc.RaceLogs[0]))}
			case len(proc.RaceLogs) > 0:
				proc.RaceLogs = []string{raceLog(t, readRace(t, "halflocked.race"))}
			}
			res := analyzeRace(t, nil, &proc)
			if got := len(findingsOf(res, "target-failure")) > 0; got != tt.failure {
				t.Errorf("target-failure reported: %v, want %v (%+v)", got, tt.failure, res.Findings)
			}
			if len(findingsOf(res, "data-race")) == 0 && !strings.Contains(tt.name, "without") {
				t.Errorf("no data-race finding")
			}
		})
	}
}

// TestRaceTitleNamesBothSides: when the race detector lost one access's
// stack, the title still names a function for both sides: the goroutine's
// creation site, or the main goroutine.
func TestRaceTitleNamesBothSides(t *testing.T) {
	whole := readRace(t, "halflocked.race")
	tests := []struct{ name, from, want string }{
		{"goroutine's stack lost", "  main.(*Stats).Add()\n      racegen/halflocked/main.go:19 +0xa8\n  main.main.func1()\n      racegen/halflocked/main.go:31 +0x44\n",
			": write in a goroutine started in main (main.go:29), read in Stats.Total"},
		{"main goroutine's stack lost", "  main.(*Stats).Total()\n      racegen/halflocked/main.go:23 +0x10a\n  main.main()\n      racegen/halflocked/main.go:35 +0x114\n",
			": write in Stats.Add, read in the main goroutine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(whole, tt.from) {
				t.Fatalf("halflocked.race changed: no %q", tt.from)
			}
			rep := strings.Replace(whole, tt.from, "  [failed to restore the stack]\n", 1)
			res := analyzeRace(t, nil, &Process{Run: 1, ExitCode: 66, RaceLogs: []string{raceLog(t, rep)}})
			fs := findingsOf(res, "data-race")
			if len(fs) != 1 || !strings.HasSuffix(fs[0].Title, tt.want) || strings.Contains(fs[0].Title, " in ,") {
				t.Fatalf("findings %+v, want one titled ...%s", fs, tt.want)
			}
			if !strings.Contains(fs[0].Message, "could not restore the stack") {
				t.Errorf("message does not say a stack was lost: %s", fs[0].Message)
			}
		})
	}
}

// FuzzTestsRaceOnly: the reading of a test binary's output never panics,
// and never calls a run race-only without a race message in it.
func FuzzTestsRaceOnly(f *testing.F) {
	for _, name := range []string{"test.output", "logged.output", "logged-v.output", "outside.output"} {
		data := readRace(f, name)
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Split(s, "\n")
		everyLog := func(string, int) bool { return true }
		if testsRaceOnly(lines, everyLog) && !strings.Contains(s, raceDetected) {
			t.Fatalf("race-only without %q", raceDetected)
		}
	})
}
