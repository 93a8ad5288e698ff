package event

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func sampleLog(t testing.TB) []byte {
	t.Helper()
	evs := []Event{
		{Kind: KindStart, PID: 42, GoVersion: "go1.26", GoidMode: "asm"},
		{Kind: KindEdge, Goroutine: 7, Held: []Lock{{Class: 1, Inst: 1, Mode: Write, Site: 3}},
			Acq: &Lock{Class: 2, Inst: 2, Mode: Read, Site: 4}, Stack: []Frame{{"main.f", "/m/main.go", 12}}},
		{Kind: KindSnapshot, Reason: "exit", Goroutines: []Goroutine{{ID: 1, Held: []Lock{{Class: 1, Inst: 1, Mode: Write}}}},
			Dump: "goroutine 1 [running]:\nmain.main()\n"},
		{Kind: KindLeak, Reason: "test", Test: "TestDrainer", Proof: "goroutineleak",
			Dump: "goroutine 9 [chan send (leaked)] {lockscope.test: TestDrainer}:\nmain.f()\n"},
		{Kind: KindTest, Test: "TestDrainer", Goroutine: 8},
		{Kind: KindExit, Code: 0},
	}
	var buf bytes.Buffer
	for i := range evs {
		b, err := Marshal(&evs[i])
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
	}
	return buf.Bytes()
}

func TestReadAllRoundTrip(t *testing.T) {
	evs, warns, err := ReadAll(bytes.NewReader(sampleLog(t)))
	if err != nil || len(warns) != 0 {
		t.Fatalf("ReadAll: err %v, warnings %v", err, warns)
	}
	kinds := []Kind{KindStart, KindEdge, KindSnapshot, KindLeak, KindTest, KindExit}
	if len(evs) != len(kinds) {
		t.Fatalf("got %d events, want %d", len(evs), len(kinds))
	}
	for i, k := range kinds {
		if evs[i].Kind != k {
			t.Errorf("event %d is %q, want %q", i, evs[i].Kind, k)
		}
	}
	if e := evs[1]; e.Acq == nil || e.Acq.Mode != Read || e.Held[0].Site != 3 || e.Stack[0].Line != 12 {
		t.Errorf("edge event lost fields: %+v", e)
	}
	if e := evs[3]; e.Test != "TestDrainer" || e.Proof != "goroutineleak" || e.Reason != "test" {
		t.Errorf("leak event lost fields: %+v", e)
	}
}

func TestReadAllDamagedLogs(t *testing.T) {
	log := sampleLog(t)
	lines := bytes.SplitAfter(log, []byte("\n"))
	tests := []struct {
		name     string
		in       []byte
		want     int // events kept
		wantWarn string
	}{
		{"truncated last record", log[:len(log)-5], 5, "truncated record"},
		{"corrupt middle line", bytes.Join([][]byte{lines[0], []byte("{garbage\n"), lines[1]}, nil), 2, "corrupt"},
		{"binary noise", append([]byte("\x00\xff\xfe\n"), lines[0]...), 1, "corrupt"},
		{"empty", nil, 0, ""},
		{"no kind", []byte(`{"t":5}` + "\n"), 0, "corrupt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, warns, err := ReadAll(bytes.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ReadAll: %v", err)
			}
			if len(evs) != tt.want {
				t.Errorf("kept %d events, want %d", len(evs), tt.want)
			}
			joined := strings.Join(warns, "\n")
			if tt.wantWarn == "" && joined != "" || !strings.Contains(joined, tt.wantWarn) {
				t.Errorf("warnings %q, want one containing %q", joined, tt.wantWarn)
			}
		})
	}
}

func TestReadAllOverlongLine(t *testing.T) {
	long := io.MultiReader(strings.NewReader(`{"k":"start"}`+"\n"),
		strings.NewReader(`{"k":"edge","dump":"`), io.LimitReader(repeatReader('x'), maxLine+10),
		strings.NewReader("\"}\n"+`{"k":"exit"}`+"\n"))
	evs, warns, err := ReadAll(long)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[1].Kind != KindExit {
		t.Fatalf("got %d events (%v), want start and exit around the dropped line", len(evs), evs)
	}
	if len(warns) != 1 {
		t.Errorf("warnings %q, want one for the over-long line", warns)
	}
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestSitePacking(t *testing.T) {
	for _, s := range []Site{{ID: 1, Class: 2}, {ID: 1<<31 - 1, Class: 1<<31 - 1}, {ID: 5}} {
		c, id := Unpack(s.Packed())
		if c != s.Class || id != s.ID {
			t.Errorf("Unpack(Packed(%+v)) = %d, %d", s, c, id)
		}
	}
}

// FuzzReadAll: no input crashes the decoder, and every event it returns has
// a kind.
func FuzzReadAll(f *testing.F) {
	log := sampleLog(f)
	f.Add(log)
	f.Add(log[:len(log)/2])
	f.Add([]byte("{\n}\n{\"k\":\"x\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, _, err := ReadAll(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("ReadAll on memory returned an error: %v", err)
		}
		for _, ev := range evs {
			if ev.Kind == "" {
				t.Fatalf("event without kind: %+v", ev)
			}
		}
	})
}
