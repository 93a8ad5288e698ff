package gtrace

import (
	"sort"
	"strconv"
	"strings"
)

// LockCategory is the trace.Log category lockscope's lock runtime logs
// under just before a contended acquisition blocks (lockrt.TraceCategory).
const LockCategory = "lockscope.lock"

// Goroutine states.
const (
	StateRunning  = "running"
	StateRunnable = "runnable"
	StateWaiting  = "waiting"
	StateSyscall  = "syscall"
	StateGone     = "gone"
)

// Normalised blocking reasons (Goroutine.Reason, Block.Reason).
const (
	ReasonSend      = "chan send"
	ReasonRecv      = "chan receive"
	ReasonSelect    = "select"
	ReasonNil       = "nil channel or empty select"
	ReasonWaitGroup = "WaitGroup.Wait"
	ReasonCond      = "Cond.Wait"
	ReasonLock      = "lock"
	ReasonSync      = "sync"
	ReasonSleep     = "sleep"
	ReasonNetwork   = "network"
)

// Frame is one stack frame.
type Frame struct {
	Func string
	File string
	Line int
}

// LockRef names a lock from the lock runtime's trace log: event.Lock's
// Class, Inst and Mode ("w" or "r").
type LockRef struct {
	Class int32
	Inst  int64
	Mode  string
}

// Goroutine is one goroutine alive at the end of the trace.
type Goroutine struct {
	ID    int64
	State string // StateRunning, StateWaiting, ...
	// Since is when it entered State, in nanoseconds from the trace's
	// start; Known is false when that happened before the trace's window
	// (Since is then 0: "at least since the window began").
	Since int64
	Known bool
	// Reason is the normalised reason of a waiting goroutine ("" when the
	// trace does not say and the stack does not tell); RawReason the
	// trace's own words.
	Reason    string
	RawReason string
	// Stack is a waiting goroutine's blocking stack, leaf first, runtime
	// frames included.
	Stack []Frame
	// Created is the creating goroutine's stack at the go statement, Entry
	// the new goroutine's starting function; both nil when it was created
	// before the window.
	Created []Frame
	Entry   []Frame
	// Lock is the lock a goroutine blocked in a lock waits for, when the
	// lock runtime logged it.
	Lock *LockRef
}

// Block is every completed block -> unblock of one kind at one place:
// blocks with the same reason, blocking stack, unblocking stack and lock
// class are one Block.
type Block struct {
	Reason string
	Stack  []Frame // the blocked goroutine's, leaf first
	// Unblocker is the stack of the goroutine that made it runnable (the
	// channel operation, Unlock, Done or Signal); nil when the runtime did
	// (a timer, the network poller).
	Unblocker []Frame
	// Lock is the lock of a lock wait, from the lock runtime's log.
	Lock *LockRef
	// UnblockerLocks are the lock classes the unblocking goroutine was seen
	// waiting for (its lock logs) up to the unblock, sorted.
	UnblockerLocks []int32
	Count          int64
	TotalNs        int64
	MaxNs          int64
	// G and By are one example: the blocked goroutine and its unblocker
	// (-1 for the runtime).
	G, By int64
}

// Summary is what lockscope keeps of an execution trace: the goroutines
// alive at its end and the blocks its checks need, not the events.
type Summary struct {
	Goroutines []Goroutine // sorted by ID
	Blocks     []Block     // sorted by total time blocked, longest first
	// DurationNs is the length of the trace's window.
	DurationNs int64
	Events     int64 // events read
	Bytes      int64 // bytes read
	// Truncated is set when the trace broke before its end; Warning says
	// how much was lost.
	Truncated bool
	Warning   string
}

// Goroutine returns the goroutine with id, or nil.
func (s *Summary) Goroutine(id int64) *Goroutine {
	i := sort.Search(len(s.Goroutines), func(i int) bool { return s.Goroutines[i].ID >= id })
	if i < len(s.Goroutines) && s.Goroutines[i].ID == id {
		return &s.Goroutines[i]
	}
	return nil
}

// ParseLock parses a lock runtime log message "<class> <inst> <mode>".
func ParseLock(msg string) (LockRef, bool) {
	f := strings.Fields(msg)
	if len(f) != 3 || (f[2] != "w" && f[2] != "r") {
		return LockRef{}, false
	}
	c, err1 := strconv.ParseInt(f[0], 10, 32)
	i, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return LockRef{}, false
	}
	return LockRef{Class: int32(c), Inst: i, Mode: f[2]}, true
}

// Reason normalises a trace's blocking reason, looking at the blocking
// stack (leaf first) when the reason is generic or missing.
func Reason(raw string, stack []Frame) string {
	switch raw {
	case "chan send", "chan receive", "select", "sleep", "network":
		return raw
	case "forever":
		return ReasonNil
	case "sync.(*Cond).Wait":
		return ReasonCond
	}
	for _, f := range stack {
		if r := frameReason(f.Func); r != "" {
			return r
		}
	}
	if raw == "sync" {
		return ReasonSync
	}
	return ""
}

// frameReason names what a goroutine blocked in fn waits for, or "".
func frameReason(fn string) string {
	switch {
	case strings.HasPrefix(fn, "runtime.chansend"):
		return ReasonSend
	case strings.HasPrefix(fn, "runtime.chanrecv"):
		return ReasonRecv
	case fn == "runtime.selectgo":
		return ReasonSelect
	case fn == "runtime.block":
		return ReasonNil
	case fn == "sync.(*WaitGroup).Wait":
		return ReasonWaitGroup
	case fn == "sync.(*Cond).Wait":
		return ReasonCond
	case strings.HasPrefix(fn, "sync.(*Mutex)."), strings.HasPrefix(fn, "sync.(*RWMutex)."):
		return ReasonLock
	case fn == "time.Sleep":
		return ReasonSleep
	case strings.HasPrefix(fn, "internal/poll."):
		return ReasonNetwork
	}
	return ""
}
