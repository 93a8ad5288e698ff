package gtrace

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	xtrace "golang.org/x/exp/trace"
)

// This file is the only one that imports golang.org/x/exp/trace, which has
// no compatibility promise: everything else sees the Summary.

// maxFrames bounds the frames kept of one stack.
const maxFrames = 48

// ReadFile summarises the trace in the file at path. A missing file is an
// error wrapping fs.ErrNotExist.
func ReadFile(path string) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	return read(f, size)
}

// Read summarises the trace read from r. It fails only when not even the
// trace's header can be read; a trace that breaks later is summarised up to
// that point, with Summary.Warning saying so.
func Read(r io.Reader) (*Summary, error) { return read(r, -1) }

func read(r io.Reader, size int64) (*Summary, error) {
	cr := &countReader{r: r}
	tr, err := xtrace.NewReader(cr)
	if err != nil {
		return nil, fmt.Errorf("read execution trace: %w", err)
	}
	d := &decoder{b: newBuilder(), cache: map[xtrace.Stack]int32{}}
	b := d.b
	for {
		ev, err := tr.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.s.Truncated = true
			b.s.Warning = truncation(b.s.Events, cr.n, size, err)
			break
		}
		d.event(&ev)
	}
	b.s.Bytes = cr.n
	return b.finish(), nil
}

// truncation says how much of a broken trace was lost.
func truncation(events, read, size int64, err error) string {
	msg := fmt.Sprintf("the execution trace breaks after %d events (%s); ", events, strings.TrimSpace(firstLine(err.Error())))
	if size > 0 {
		lost := max(size-read, 0)
		return msg + fmt.Sprintf("%d of its %d bytes were read, the last generation read and everything after it (at least %d bytes) is lost", read, size, lost)
	}
	return msg + fmt.Sprintf("the last generation read and everything after it (%d bytes in) is lost", read)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decoder turns x/exp/trace events into the builder's transitions.
type decoder struct {
	b     *builder
	cache map[xtrace.Stack]int32 // this generation's stacks, interned
}

// event folds one trace event into the summary.
func (d *decoder) event(ev *xtrace.Event) {
	b := d.b
	b.s.Events++
	t := int64(ev.Time())
	if b.start == 0 || t < b.start {
		b.start = t
	}
	b.end = max(b.end, t)
	switch ev.Kind() {
	case xtrace.EventSync:
		d.cache = map[xtrace.Stack]int32{} // stack IDs are per generation
	case xtrace.EventLog:
		if l := ev.Log(); l.Category == LockCategory {
			b.logLock(int64(ev.Goroutine()), l.Message)
		}
	case xtrace.EventStateTransition:
		st := ev.StateTransition()
		if st.Resource.Kind != xtrace.ResourceGoroutine {
			return
		}
		from, to := st.Goroutine()
		tr := transition{
			g: int64(st.Resource.Goroutine()), by: int64(ev.Goroutine()), t: t,
			from: stateName(from), to: stateName(to), reason: st.Reason,
			stack: d.stack(st.Stack),
		}
		if from == xtrace.GoNotExist || from == xtrace.GoWaiting {
			tr.evStack = d.stack(ev.Stack()) // the creator's or the unblocker's
		}
		b.transition(tr)
	}
}

func stateName(s xtrace.GoState) string {
	switch s {
	case xtrace.GoNotExist:
		return StateGone
	case xtrace.GoRunnable:
		return StateRunnable
	case xtrace.GoRunning:
		return StateRunning
	case xtrace.GoWaiting:
		return StateWaiting
	case xtrace.GoSyscall:
		return StateSyscall
	}
	return ""
}

// stack interns st and returns its index in the summary's stack table, or
// -1 for no stack.
func (d *decoder) stack(st xtrace.Stack) int32 {
	if st == xtrace.NoStack {
		return -1
	}
	if id, ok := d.cache[st]; ok {
		return id
	}
	var fs []Frame
	for f := range st.Frames() {
		if len(fs) == maxFrames {
			break
		}
		fs = append(fs, Frame{Func: f.Func, File: f.File, Line: int(f.Line)})
	}
	id := d.b.intern(fs)
	d.cache[st] = id
	return id
}
