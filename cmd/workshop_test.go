package cmd

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestWorkshopFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want WorkshopOptions
		err  string
	}{
		{"defaults", nil, WorkshopOptions{Addr: "127.0.0.1:7070", MaxRuns: 2, Timeout: scenarioTimeout, BuildTimeout: 2 * time.Minute}, ""},
		{"free port", []string{"--addr", "127.0.0.1:0", "--max-runs", "1", "--timeout", "5s"}, WorkshopOptions{Addr: "127.0.0.1:0", MaxRuns: 1, Timeout: 5 * time.Second, BuildTimeout: 2 * time.Minute}, ""},
		{"no runs", []string{"--max-runs", "0"}, WorkshopOptions{}, "--max-runs must be at least 1"},
		{"arguments", []string{"bank-transfer"}, WorkshopOptions{}, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *WorkshopOptions
			var errb bytes.Buffer
			s := &Streams{In: strings.NewReader(""), Out: io.Discard, Err: &errb}
			c := NewCmdWorkshop(s, func(_ context.Context, _ *Streams, o *WorkshopOptions) error { got = o; return nil })
			c.SetArgs(tt.args)
			c.SetOut(io.Discard)
			c.SetErr(io.Discard)
			err := c.Execute()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got == nil || *got != tt.want {
				t.Fatalf("options %+v, error %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// TestWorkshopServes starts the real command on a free port: the first
// line of stdout is the URL, the catalogue answers there and only there,
// and the command ends cleanly when its context does.
func TestWorkshopServes(t *testing.T) {
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	s := &Streams{In: strings.NewReader(""), Out: pw, Err: &errb, Dir: t.TempDir()}
	root := NewCmdRoot(s)
	root.SetArgs([]string{"workshop", "--addr", "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	url, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	url = strings.TrimSpace(url)
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/") {
		t.Fatalf("first line %q, want the URL", url)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("GET %s: %s, CSP %q", url, resp.Status, resp.Header.Get("Content-Security-Policy"))
	}
	req, _ := http.NewRequest("GET", url, nil)
	req.Host = "attacker.example"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("request for another host: %s, want 403", resp.Status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("workshop ended with %v\n%s", err, errb.String())
	}
}
