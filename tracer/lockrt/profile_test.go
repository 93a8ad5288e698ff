package lockrt

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
)

// TestProfiles checks that the exit snapshot writes the block profile with
// the waiter's stack through the runtime and the mutex profile with the
// unlocker's.
func TestProfiles(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "target")
	t.Setenv("LOCKSCOPE_PROFILES", prefix)
	startProfiles()
	t.Cleanup(func() {
		profileFiles.prefix = ""
		runtime.SetBlockProfileRate(0)
		runtime.SetMutexProfileFraction(0)
	})
	x := StartRecording(t, false)
	site := event.Site{ID: 1, Class: 1}.Packed()
	var mu Mutex
	for attempt := 0; attempt < 50; attempt++ {
		contend(x, &mu, site)
		x.Finish()
		block, mutex := readProfile(t, prefix+".block.pb.gz"), readProfile(t, prefix+".mutex.pb.gz")
		if bytes.Contains(block, []byte("lockrt.(*recorder).lock")) &&
			bytes.Contains(mutex, []byte("lockrt.(*Mutex).Unlock")) {
			return
		}
	}
	t.Fatal("the profiles never showed the waiter's and the unlocker's stacks")
}

// contend makes one goroutine wait for mu at least 100µs.
func contend(x *Rec, mu *Mutex, site uint64) {
	mu.LockAt(site)
	done := make(chan struct{})
	go func() {
		mu.LockAt(site)
		mu.Unlock()
		close(done)
	}()
	x.WaitFor(1)
	for t0 := time.Now(); time.Since(t0) < 100*time.Microsecond; {
		runtime.Gosched() // let the waiter reach the semaphore
	}
	mu.Unlock()
	<-done
}

// readProfile returns the decompressed profile at path.
func readProfile(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// TestProfilesOff checks that writeProfiles writes nothing without
// LOCKSCOPE_PROFILES.
func TestProfilesOff(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeProfiles()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("wrote %d files with profiles off", len(ents))
	}
}
