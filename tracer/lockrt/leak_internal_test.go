package lockrt

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseLabelled(t *testing.T) {
	tests := []struct {
		name, dump string
		want       labelled
	}{
		{"go1.26", "goroutine 19 [chan send (leaked) labels:{\"lockscope.test\": \"TestA/b c\"}]:\nexample.com/m.f()\n\t/m/f.go:3 +0x1\ncreated by example.com/m.TestA in goroutine 7\n\t/m/f.go:9 +0x2\n",
			labelled{id: 19, state: "chan send", leaked: true, test: "TestA/b c"}},
		{"go1.27", "goroutine 20 [sync.WaitGroup.Wait, 2 minutes] {other: x, lockscope.test: TestB}:\nexample.com/m.g()\n\t/m/f.go:4 +0x1\n",
			labelled{id: 20, state: "sync.WaitGroup.Wait", test: "TestB"}},
		{"no labels", "goroutine 1 [running]:\nmain.main()\n\t/m/main.go:5 +0x1\n",
			labelled{id: 1, state: "running"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gs := parseLabelled(tt.dump)
			if len(gs) != 1 {
				t.Fatalf("got %d goroutines, want 1", len(gs))
			}
			g := gs[0]
			if g.id != tt.want.id || g.state != tt.want.state || g.leaked != tt.want.leaked || g.test != tt.want.test {
				t.Errorf("got id %d state %q leaked %v test %q, want %+v", g.id, g.state, g.leaked, g.test, tt.want)
			}
		})
	}
}

// TestSightings: a goroutine left after the window is reported when it is
// blocked in the last dump, or busy then but seen blocked during the window
// (a ticker loop caught awake); one never seen blocked is not.
func TestSightings(t *testing.T) {
	g := func(id int64, state string) labelled {
		return labelled{id: id, state: state, text: fmt.Sprintf("goroutine %d [%s]:", id, state)}
	}
	seen := sightings{}
	seen.see([]labelled{g(1, "select"), g(2, "running"), g(3, "chan receive")})
	seen.see([]labelled{g(1, "runnable"), g(2, "running"), g(3, "chan receive")})
	got := seen.leaks([]labelled{g(1, "runnable"), g(2, "runnable"), {id: 3, state: "chan receive", leaked: true, text: "goroutine 3 [chan receive (leaked)]:"}, g(4, "sync.WaitGroup.Wait")})
	want := []string{"goroutine 1 [select]:", "goroutine 3 [chan receive (leaked)]:", "goroutine 4 [sync.WaitGroup.Wait]:"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("leaks %q, want %q", got, want)
	}
}
