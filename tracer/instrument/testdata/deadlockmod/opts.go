package deadlockmod

import deadlock "github.com/sasha-s/go-deadlock"

var gate deadlock.Mutex

func Configure() {
	deadlock.Opts.DisableLockOrderDetection = true
	gate.Lock()
	gate.Unlock()
}
