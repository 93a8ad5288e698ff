package event

import "testing"

func TestLabelValue(t *testing.T) {
	tests := []struct {
		name, s, key string
		quoted       bool
		want         string
	}{
		{"go1.26 quoted", `"lockscope.test": "TestA/sub b", "x": "y"}`, `"lockscope.test": `, true, "TestA/sub b"},
		{"go1.27 bare, last", `lockscope.test: TestA}`, "lockscope.test: ", false, "TestA"},
		{"go1.27 bare, first of two", `lockscope.test: TestA, x: y}`, "lockscope.test: ", false, "TestA"},
		{"absent", `x: y}`, "lockscope.test: ", false, ""},
		{"bad quoting", `"lockscope.test": TestA}`, `"lockscope.test": `, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LabelValue(tt.s, tt.key, tt.quoted); got != tt.want {
				t.Errorf("LabelValue(%q) = %q, want %q", tt.s, got, tt.want)
			}
		})
	}
}
