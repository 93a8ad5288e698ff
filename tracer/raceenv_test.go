package tracer

import "testing"

func TestRaceEnv(t *testing.T) {
	tests := []struct{ user, prefix, want string }{
		{"", "/out/artifacts/x.race", "GORACE=halt_on_error=0 atexit_sleep_ms=0 log_path=/out/artifacts/x.race"},
		{"history_size=3", "/out/a.race", "GORACE=history_size=3 halt_on_error=0 atexit_sleep_ms=0 log_path=/out/a.race"},
		{"", "/my out/a.race", "GORACE=halt_on_error=0 atexit_sleep_ms=0"},
	}
	for _, tt := range tests {
		if got := raceEnv(tt.user, tt.prefix); got != tt.want {
			t.Errorf("raceEnv(%q, %q) = %q, want %q", tt.user, tt.prefix, got, tt.want)
		}
	}
}
