//go:build race

package lockrt_test

import (
	"os"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/tracer/lockrt"
)

// raceSink keeps the racy read from being optimised away.
var raceSink int

// TestRaceStillReported checks that the runtime's own synchronisation does
// not hide a target's data race: a goroutine writes a variable and then
// locks one mutex, main locks another one and reads the variable. The two
// goroutines share no lock, so the race detector must report the race, as
// it does with sync.Mutex. The child records like a lockscope target.
func TestRaceStillReported(t *testing.T) {
	if mode := os.Getenv(childEnv); mode != "" {
		type account struct{ mu lockrt.Mutex }
		var a, b account
		lock := func(m *lockrt.Mutex, site int32) {
			if mode == "static" {
				m.LockAt(lockrt.Pack(1, site))
			} else {
				m.Lock()
			}
			m.Unlock()
		}
		shared := 0
		done := make(chan struct{})
		go func() {
			shared = 1
			lock(&a.mu, 1)
			close(done)
		}()
		lock(&b.mu, 2)
		raceSink = shared
		<-done // after the read, so that it orders nothing the detector checks
		return
	}
	for _, mode := range []string{"static", "dynamic"} {
		t.Run(mode, func(t *testing.T) {
			_, stderr, _ := child(t, "TestRaceStillReported", mode)
			if !strings.Contains(stderr, "WARNING: DATA RACE") || !strings.Contains(stderr, "TestRaceStillReported") {
				t.Fatalf("the race detector did not report the target's race; child stderr:\n%s", stderr)
			}
		})
	}
}
