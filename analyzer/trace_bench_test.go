package analyzer

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/trace"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lockscope/lockscope/tracer"
)

// The trace-analysis benchmark of BENCHMARKS.md: lockscope's reading of an
// execution trace (the streaming summary plus every trace-based check)
// against `go tool trace -pprof=sync` on the same file, in one run:
//
//	LOCKSCOPE_BENCH_TRACE_MS=3000 go test -run '^$' -bench Trace -benchtime 1x -benchmem ./analyzer
//
// The trace is recorded once, in this process, from a busy workload: 16
// producers each feed an unbuffered channel to a consumer that takes one
// shared mutex per item, with a WaitGroup handshake and a fresh goroutine
// every 100 items. LOCKSCOPE_BENCH_TRACE_MS sets how long (default 600ms,
// about 12 MB; 3000ms gives about 58 MB).

var benchTrace struct {
	once sync.Once
	path string
	err  error
}

func busyTrace(b *testing.B) string {
	benchTrace.once.Do(func() {
		ms := 600
		if v, err := strconv.Atoi(os.Getenv("LOCKSCOPE_BENCH_TRACE_MS")); err == nil && v > 0 {
			ms = v
		}
		dir, err := os.MkdirTemp("", "lockscope-bench-")
		if err != nil {
			benchTrace.err = err
			return
		}
		benchTrace.path = filepath.Join(dir, "busy.trace")
		benchTrace.err = recordBusy(benchTrace.path, time.Duration(ms)*time.Millisecond)
	})
	if benchTrace.err != nil {
		b.Fatal(benchTrace.err)
	}
	return benchTrace.path
}

// recordBusy traces the busy workload for d into path.
func recordBusy(path string, d time.Duration) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		return err
	}
	defer trace.Stop()
	var mu sync.Mutex
	shared := 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for p := 0; p < 16; p++ {
		ch := make(chan int)
		wg.Add(2)
		go func() { // producer
			defer wg.Done()
			defer close(ch)
			for i := 0; ; i++ {
				select {
				case ch <- i:
				case <-stop:
					return
				}
			}
		}()
		go func() { // consumer
			defer wg.Done()
			for v := range ch {
				mu.Lock()
				shared += v
				mu.Unlock()
				if v%100 == 0 {
					var hand sync.WaitGroup
					hand.Add(1)
					go hand.Done()
					hand.Wait()
				}
			}
		}()
	}
	time.Sleep(d)
	close(stop)
	wg.Wait()
	return nil
}

// BenchmarkTraceAnalysis is lockscope's side: Analyze over a process whose
// only artifact is the trace.
func BenchmarkTraceAnalysis(b *testing.B) {
	path := busyTrace(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := &Input{Processes: []*tracer.Process{{Run: 1, Package: "busy", TracePath: path}}}
		if _, err := Analyze(in); err != nil {
			b.Fatal(err)
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		// The whole test process, trace recording included: an upper bound.
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
	reportTraceSize(b, path)
}

func reportTraceSize(b *testing.B, path string) {
	if st, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(st.Size())/(1<<20), "trace-MB")
	}
}

// BenchmarkTraceGoToolPprofSync is the peer: the Go distribution's own
// blocking-profile extraction from the same file.
func BenchmarkTraceGoToolPprofSync(b *testing.B) {
	path := busyTrace(b)
	out := filepath.Join(filepath.Dir(path), "sync.pprof")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command("go", "tool", "trace", "-pprof=sync", path)
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = f, &stderr
		err = cmd.Run()
		f.Close()
		if err != nil {
			b.Fatalf("go tool trace: %v\n%s", err, stderr.Bytes())
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
		}
	}
	reportTraceSize(b, path)
}
