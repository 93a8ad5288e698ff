package event

import "testing"

// TestRuntimeName: the lock runtime is recognised in every placement the
// instrumenter uses, and nothing else is, even a function whose argument
// type names it.
func TestRuntimeName(t *testing.T) {
	tests := []struct {
		fn   string
		name string
		ok   bool
	}{
		{"github.com/lockscope/lockscope/tracer/lockrt.(*Mutex).Lock", "(*Mutex).Lock", true},
		{"example.com/app/_lockscope/lockrt.explorePoint", "explorePoint", true},
		{"lockrt.Main", "Main", true},
		{"example.com/app.(*lockrt.Mutex).Lock", "", false},
		{"example.com/notlockrt.F", "", false},
		{"main.main", "", false},
	}
	for _, tt := range tests {
		name, ok := RuntimeName(tt.fn)
		if name != tt.name || ok != tt.ok {
			t.Errorf("RuntimeName(%q) = %q, %v; want %q, %v", tt.fn, name, ok, tt.name, tt.ok)
		}
	}
	if !OwnFunc("example.com/app/_lockscope/event.(*Writer).Write") || !OwnFunc("github.com/lockscope/lockscope/tracer/event.ReadAll") || OwnFunc("main.event") {
		t.Error("OwnFunc does not tell the event package apart")
	}
}
