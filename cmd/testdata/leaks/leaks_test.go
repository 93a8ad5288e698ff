package leaks

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func backends() []func() int {
	return []func() int{func() int { return 1 }, func() int { return 2 }, func() int { return 3 }}
}

func TestLeakFanOutFirst(t *testing.T)  { First(backends(), false) }
func TestCleanFanOutFirst(t *testing.T) { First(backends(), true) }

func selectTimeout(buffered bool) {
	release := make(chan struct{})
	WithTimeout(func() int { <-release; return 1 }, time.Millisecond, buffered)
	close(release)
}

func TestLeakSelectTimeout(t *testing.T)  { selectTimeout(false) }
func TestCleanSelectTimeout(t *testing.T) { selectTimeout(true) }

func TestLeakRangeUnclosed(t *testing.T) {
	in, out := make(chan int), make(chan int, 1)
	Sum(in, out)
	in <- 1
}

func TestCleanRangeUnclosed(t *testing.T) {
	in, out := make(chan int), make(chan int, 1)
	Sum(in, out)
	in <- 1
	close(in)
	<-out
}

func forgottenClose(t *testing.T, fixed bool) {
	in, out := make(chan int), make(chan int, 1)
	Sum(in, out)
	if err := Produce([]int{1, -1}, in, fixed); err == nil {
		t.Fatal("no error")
	}
	if fixed {
		<-out
	}
}

func TestLeakForgottenCloseOnError(t *testing.T)  { forgottenClose(t, false) }
func TestCleanForgottenCloseOnError(t *testing.T) { forgottenClose(t, true) }

func waitAll(add int, fixed bool) {
	var wg sync.WaitGroup
	wg.Add(add)
	for i := 0; i < 2; i++ {
		go func() { defer wg.Done() }()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	if fixed {
		<-finished
	}
}

func TestLeakMissingDone(t *testing.T)  { waitAll(3, false) }
func TestCleanMissingDone(t *testing.T) { waitAll(2, true) }

func TestLeakAddCountedWrong(t *testing.T) {
	items := []int{1, 2, 3}
	var wg sync.WaitGroup
	wg.Add(len(items) + 1) // one for the collector, which never calls Done
	for range items {
		go wg.Done()
	}
	go wg.Wait()
}

func TestCleanAddCountedWrong(t *testing.T) {
	items := []int{1, 2, 3}
	var wg sync.WaitGroup
	wg.Add(len(items))
	for range items {
		go wg.Done()
	}
	wg.Wait()
}

func TestLeakCondNoSignal(t *testing.T) {
	q := NewQueue()
	go q.Pop() // shutdown forgets to Broadcast
}

func TestCleanCondNoSignal(t *testing.T) {
	q := NewQueue()
	got := make(chan int)
	go func() { got <- q.Pop() }()
	q.Push(1, true)
	<-got
}

func TestLeakContextNeverCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_ = cancel
	Watch(ctx, make(chan struct{}))
}

func TestCleanContextNeverCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	Watch(ctx, done)
	cancel()
	<-done
}

func TestLeakNilChannel(t *testing.T) {
	var ch chan int // never made
	go func() { ch <- 1 }()
}

func TestCleanNilChannel(t *testing.T) {
	ch := make(chan int, 1)
	go func() { ch <- 1 }()
	<-ch
}

func secondReceive(sends int) {
	ch, done := make(chan int), make(chan int, 1)
	go func() { a := <-ch; b := <-ch; done <- a + b }()
	for i := 0; i < sends; i++ {
		ch <- i
	}
}

func TestLeakSecondReceive(t *testing.T)  { secondReceive(1) }
func TestCleanSecondReceive(t *testing.T) { secondReceive(2) }

func tickerLoop(t *testing.T, stop bool) {
	ticker := time.NewTicker(time.Millisecond)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ticker.C:
			case <-done:
				return
			}
		}
	}()
	if stop {
		t.Cleanup(func() { ticker.Stop(); close(done) })
	}
}

func TestLeakTickerLoop(t *testing.T)  { tickerLoop(t, false) }
func TestCleanTickerLoop(t *testing.T) { tickerLoop(t, true) }

func lockAcrossSend(underLock bool) {
	c := NewCache()
	locked := make(chan struct{})
	c.onLocked = func() { close(locked) }
	done := make(chan int, 2)
	go func() { c.Set("a", 1, underLock); done <- 1 }()
	<-locked // Set holds c.mu
	go func() { done <- c.Listen() }()
	if !underLock {
		<-done
		<-done
	}
}

func TestLeakLockAcrossSend(t *testing.T)  { lockAcrossSend(true) }
func TestCleanLockAcrossSend(t *testing.T) { lockAcrossSend(false) }

func readerBlocked(block bool) {
	r := &Registry{names: []string{"a"}}
	inside, never := make(chan struct{}), make(chan struct{})
	done := make(chan struct{}, 2)
	go func() {
		r.Each(func(string) {
			close(inside) // Each holds the read lock
			if block {
				<-never
			}
		})
		done <- struct{}{}
	}()
	<-inside
	go func() { r.Add("b"); done <- struct{}{} }()
	if !block {
		<-done
		<-done
	}
}

func TestLeakRWMutexReaderBlocked(t *testing.T)  { readerBlocked(true) }
func TestCleanRWMutexReaderBlocked(t *testing.T) { readerBlocked(false) }

func TestLeakMutexNeverUnlocked(t *testing.T) {
	var mu sync.Mutex
	mu.Lock() // an early return forgot the Unlock
	go func() { mu.Lock(); mu.Unlock() }()
}

func TestCleanMutexNeverUnlocked(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	done := make(chan struct{})
	go func() { mu.Lock(); mu.Unlock(); close(done) }()
	mu.Unlock()
	<-done
}

func TestLeakEmptySelect(t *testing.T) {
	go func() { select {} }()
}

func TestCleanEmptySelect(t *testing.T) {
	done := make(chan struct{})
	go func() { <-done }()
	t.Cleanup(func() { close(done) })
}

func TestLeakGlobalChannel(t *testing.T) {
	go func() { <-Events }()
}

func TestCleanGlobalChannel(t *testing.T) {
	got := make(chan struct{})
	go func() { <-Updates; close(got) }()
	Updates <- 1
	<-got
}

func TestLeakParallel(t *testing.T) {
	t.Parallel()
	First(backends(), false)
}

func TestCleanParallel(t *testing.T) {
	t.Parallel()
	First(backends(), true)
}

func TestLeakSubtest(t *testing.T) {
	t.Run("inner", func(t *testing.T) { selectTimeout(false) })
}

func TestCleanSubtest(t *testing.T) {
	t.Run("inner", func(t *testing.T) { selectTimeout(true) })
}

// TestCleanFinishesInWindow: a goroutine that ends soon after its test is
// not a leak.
func TestCleanFinishesInWindow(t *testing.T) {
	go func() { time.Sleep(50 * time.Millisecond) }()
}

// TestCleanHTTPServer: a server closed at the test's end, and the
// client's idle connections (the standard library's), are not leaks.
func TestCleanHTTPServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
