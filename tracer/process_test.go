package tracer

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSplitTestFlags(t *testing.T) {
	tests := []struct {
		in                 []string
		wantBuild, wantBin string
	}{
		{[]string{"-run", "TestX", "-count=2", "-v"}, "", "-test.run TestX -test.count=2 -test.v"},
		{[]string{"-tags", "integration", "-run=A", "--short"}, "-tags integration", "-test.run=A -test.short"},
		{[]string{"-update", "-args", "x"}, "", "-update -args x"},
		{[]string{"-timeout", "30s", "-ldflags=-s"}, "-ldflags=-s", "-test.timeout 30s"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.in, " "), func(t *testing.T) {
			build, bin := splitTestFlags(tt.in)
			if got := strings.Join(build, " "); got != tt.wantBuild {
				t.Errorf("build flags %q, want %q", got, tt.wantBuild)
			}
			if got := strings.Join(bin, " "); got != tt.wantBin {
				t.Errorf("binary flags %q, want %q", got, tt.wantBin)
			}
		})
	}
	if args := testBinaryArgs([]string{"-test.timeout=1s"}, time.Minute); len(args) != 1 {
		t.Errorf("a user's -timeout was overridden: %q", args)
	}
	if args := testBinaryArgs(nil, time.Minute); len(args) != 1 || args[0] != "-test.timeout=2m0s" {
		t.Errorf("default test timeout args %q", args)
	}
}

// TestRunProcessStopsAtDeadline: a process that ignores everything but
// SIGKILL is still ended at its deadline and recorded as timed out.
func TestRunProcessStopsAtDeadline(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "stubborn.sh")
	os.WriteFile(script, []byte("#!/bin/sh\ntrap '' USR1 QUIT TERM\necho started\nsleep 60 & wait\n"), 0o755)
	p := &Process{OutputPath: filepath.Join(dir, "out.log"), EventsPath: filepath.Join(dir, "ev.jsonl")}
	start := time.Now()
	runProcess(context.Background(), spec{path: script, dir: dir, timeout: 300 * time.Millisecond}, p)
	if !p.TimedOut || p.Signal != "killed" {
		t.Errorf("timed out %v, signal %q; want a timed-out, killed process", p.TimedOut, p.Signal)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("runProcess did not return promptly after the deadline")
	}
	if !strings.Contains(p.OutputTail, "started") {
		t.Errorf("output tail %q lost the target's output", p.OutputTail)
	}
}

func TestRunProcessRecordsExit(t *testing.T) {
	dir := t.TempDir()
	p := &Process{OutputPath: filepath.Join(dir, "out.log")}
	runProcess(context.Background(), spec{path: "/bin/sh", args: []string{"-c", "echo bye >&2; exit 7"}, dir: dir, timeout: time.Minute}, p)
	if p.TimedOut || p.ExitCode != 7 || strings.TrimSpace(p.OutputTail) != "bye" {
		t.Errorf("got %+v", p)
	}
	q := &Process{OutputPath: filepath.Join(dir, "out2.log")}
	runProcess(context.Background(), spec{path: filepath.Join(dir, "missing"), dir: dir, timeout: time.Minute}, q)
	if q.StartError == "" {
		t.Errorf("a missing binary gave no start error: %+v", q)
	}
}

// TestOutputSinkCapsFloods: a target flooding its output keeps a bounded
// file and tail, marked truncated, and keeps its start.
func TestOutputSinkCapsFloods(t *testing.T) {
	var file bytes.Buffer
	s := newOutputSink(&file, nil)
	s.Write([]byte("first line\n"))
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	for i := 0; i < 70; i++ {
		s.Write(chunk)
	}
	s.Write([]byte("last line\n"))
	tail, truncated := s.result()
	if !truncated || file.Len() != maxOutput || !bytes.HasPrefix(file.Bytes(), []byte("first line")) {
		t.Errorf("file %d bytes (cap %d), truncated %v", file.Len(), maxOutput, truncated)
	}
	if len(tail) != tailSize || !strings.HasSuffix(tail, "last line\n") {
		t.Errorf("tail %d bytes, want %d ending in the last line", len(tail), tailSize)
	}
}

// TestRuntimeSourceEmbedded checks that the binary carries the runtime's
// packages, as instrument.Config.Runtime expects them.
func TestRuntimeSourceEmbedded(t *testing.T) {
	for _, want := range []string{"event/event.go", "lockrt/doc.go", "lockrt/gword_amd64.s"} {
		if _, err := fs.Stat(runtimeFS(), want); err != nil {
			t.Errorf("runtime source lacks %s: %v", want, err)
		}
	}
}
