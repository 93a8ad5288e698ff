package lockrt

import (
	"runtime/pprof"
	"testing"
)

// parked starts n goroutines blocked on a channel until the benchmark
// ends, and a heap of live pointers for the collector to mark.
func parked(b *testing.B, n int) {
	stop := make(chan struct{})
	b.Cleanup(func() { close(stop) })
	for i := 0; i < n; i++ {
		go func() { <-stop }()
	}
	heap := make([]*[64]byte, 1<<16)
	for i := range heap {
		heap[i] = new([64]byte)
	}
	b.Cleanup(func() { heap = nil })
}

// BenchmarkLeakQuery is what the running target pays each second the
// leak monitor finds nothing new: one leak-profile query (a garbage
// collection that also looks for unreachable blocked goroutines), with
// 1000 parked goroutines and 4 MiB of live heap. Needs the leak profile:
// GOEXPERIMENT=goroutineleakprofile on Go 1.26.
func BenchmarkLeakQuery(b *testing.B) {
	if pprof.Lookup(leakProfile) == nil {
		b.Skip("no goroutine leak profile in this toolchain")
	}
	parked(b, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		leakTotal()
	}
}

// BenchmarkTestEndClean is what a test that leaves no goroutine pays at
// its end: one goroutine dump, parsed, with 1000 goroutines of other tests
// parked.
func BenchmarkTestEndClean(b *testing.B) {
	parked(b, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if gs := ofTest(parseLabelled(dump()), "TestNone", 0); len(gs) != 0 {
			b.Fatal("goroutines of TestNone")
		}
	}
}
