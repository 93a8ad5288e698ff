package event

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxLine bounds one record. A longer line is skipped and counted as lost:
// the largest legitimate record is a snapshot with a goroutine dump, which the
// runtime caps well below this.
const maxLine = 64 << 20

// Reader reads a log one event at a time.
type Reader struct {
	r    *bufio.Reader
	line int
	// Lost counts lines that could not be decoded; LostBytes their size.
	Lost, LostBytes int
	// Warnings say, in words, what was lost and where.
	Warnings []string
}

// NewReader returns a Reader over r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10)}
}

// ReadEvent returns the next event, or io.EOF at the end of the log. A line
// that is not a valid event (a record cut short by a crash, garbage) is
// skipped and noted in Warnings; it never ends the reading.
func (d *Reader) ReadEvent() (Event, error) {
	for {
		line, err := d.readLine()
		if len(line) > 0 {
			d.line++
			var ev Event
			if jerr := json.Unmarshal(line, &ev); jerr != nil || ev.Kind == "" {
				d.lose(len(line), err == io.EOF)
			} else {
				return ev, nil
			}
		}
		if err != nil {
			return Event{}, err
		}
	}
}

func (d *Reader) lose(n int, last bool) {
	d.Lost++
	d.LostBytes += n
	if len(d.Warnings) >= 10 {
		return
	}
	if last {
		d.Warnings = append(d.Warnings, fmt.Sprintf("event log ends in a truncated record (line %d, %d bytes lost)", d.line, n))
		return
	}
	d.Warnings = append(d.Warnings, fmt.Sprintf("event log line %d is corrupt (%d bytes skipped)", d.line, n))
}

// readLine returns one line without its newline. An over-long line is
// drained, counted as lost and returned empty.
func (d *Reader) readLine() ([]byte, error) {
	var buf []byte
	dropping := false
	for {
		chunk, err := d.r.ReadSlice('\n')
		if !dropping && len(buf)+len(chunk) > maxLine {
			dropping, buf = true, nil
		}
		if !dropping {
			buf = append(buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if dropping {
			d.line++
			d.lose(maxLine, err == io.EOF)
			return nil, err
		}
		return bytes.TrimSpace(buf), err
	}
}

// ReadAll reads every event of r. It returns an error only when reading r
// itself fails; undecodable lines are skipped and described in the Reader's
// Warnings, which ReadAll returns.
func ReadAll(r io.Reader) ([]Event, []string, error) {
	d := NewReader(r)
	var evs []Event
	for {
		ev, err := d.ReadEvent()
		if err == io.EOF {
			return evs, d.Warnings, nil
		}
		if err != nil {
			return evs, d.Warnings, fmt.Errorf("read event log: %w", err)
		}
		evs = append(evs, ev)
	}
}
