package analyzer

import (
	"testing"

	"github.com/lockscope/lockscope/analyzer/internal/gtrace"
)

func unblockFrames(fns ...string) []gtrace.Frame {
	out := make([]gtrace.Frame, len(fns))
	for i, fn := range fns {
		out[i] = gtrace.Frame{Func: fn, File: "/mod/app.go", Line: 10 + i}
	}
	return out
}

// TestProgramRelease: only a goroutine of the program that ran a channel
// operation or a sync primitive releases a block in a way a lock can hold
// up; the unblocking stacks are the shapes Go 1.26's tracer records.
func TestProgramRelease(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		by     int64
		st     []gtrace.Frame
		want   bool
	}{
		{"channel send by the program", gtrace.ReasonRecv, 7,
			unblockFrames("runtime.chansend1", "main.(*Queue).consume", "main.main.func1"), true},
		{"close by a cancel", gtrace.ReasonSelect, 7,
			unblockFrames("runtime.closechan", "context.(*cancelCtx).cancel", "main.stop"), true},
		{"WaitGroup.Done", gtrace.ReasonWaitGroup, 7,
			unblockFrames("runtime.semrelease1", "sync.runtime_Semrelease", "sync.(*WaitGroup).Add", "sync.(*WaitGroup).Done", "main.work"), true},
		{"Cond.Signal", gtrace.ReasonCond, 7,
			unblockFrames("sync.runtime_notifyListNotifyOne", "sync.(*Cond).Signal", "main.put"), true},
		{"a file's lock released after another write", gtrace.ReasonNetwork, 7,
			unblockFrames("internal/poll.runtime_Semrelease", "internal/poll.(*fdMutex).rwunlock", "internal/poll.(*FD).Write", "os.(*File).Write", "fmt.Printf", "main.(*Cache).Lookup"), false},
		{"a timer's channel", gtrace.ReasonSelect, 7,
			unblockFrames("runtime.chansend", "runtime.selectnbsend", "time.sendTime", "runtime.(*timer).unlockAndRun", "main.spin"), false},
		{"the poller during another goroutine's allocation", gtrace.ReasonRecv, 7,
			unblockFrames("runtime.injectglist", "runtime.startTheWorldWithSema", "runtime.gcStart", "runtime.mallocgc", "main.build"), false},
		{"the runtime", gtrace.ReasonRecv, -1, nil, false},
		{"network wait, whatever the stack", gtrace.ReasonNetwork, 7,
			unblockFrames("runtime.chansend1", "main.peer"), false},
		{"sleep", gtrace.ReasonSleep, 7, unblockFrames("runtime.chansend1", "main.peer"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &gtrace.Block{Reason: tt.reason, G: 3, By: tt.by, Unblocker: tt.st}
			if got := programRelease(b); got != tt.want {
				t.Errorf("programRelease = %v, want %v", got, tt.want)
			}
		})
	}
}
