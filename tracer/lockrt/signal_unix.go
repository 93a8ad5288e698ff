//go:build unix

package lockrt

import (
	"os"
	"os/signal"
	"syscall"
)

// notifySignal makes SIGUSR1 write a snapshot ("signal"), then call after if
// it is not nil. The returned function stops it.
func notifySignal(r *recorder, after func()) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	go func() {
		for range ch {
			r.snapshot("signal")
			if after != nil {
				after()
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(ch)
	}
}
