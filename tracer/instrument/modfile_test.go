package instrument

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteModFile(t *testing.T) {
	tests := []struct {
		name, module, sum string
		wantRequire       bool
	}{
		{"user module with go.sum", "example.com/app", "example.com/dep v1.0.0 h1:x=\n", true},
		{"user module without go.sum", "example.com/app", "", true},
		{"lockscope itself", selfPath, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mod := t.TempDir()
			goMod := filepath.Join(mod, "go.mod")
			writeFile(t, goMod, "module "+tt.module+"\n\ngo 1.22\n")
			if tt.sum != "" {
				writeFile(t, filepath.Join(mod, "go.sum"), tt.sum)
			}
			cfg := Config{WorkDir: t.TempDir(), RuntimeDir: "/rt"}
			path, err := writeModFile(&graph{goMod: goMod, modulePath: tt.module}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := readFile(t, path)
			hasRequire := strings.Contains(got, "require "+selfPath+" "+runtimeVersion) &&
				strings.Contains(got, "replace "+selfPath+" => /rt")
			if hasRequire != tt.wantRequire || !strings.HasPrefix(got, "module "+tt.module) {
				t.Errorf("temp go.mod:\n%s", got)
			}
			if sum := readFile(t, strings.TrimSuffix(path, ".mod")+".sum"); sum != tt.sum {
				t.Errorf("temp go.sum = %q, want %q", sum, tt.sum)
			}
			if readFile(t, goMod) != "module "+tt.module+"\n\ngo 1.22\n" {
				t.Error("user go.mod changed")
			}
		})
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
