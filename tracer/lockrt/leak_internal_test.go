package lockrt

import "testing"

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
