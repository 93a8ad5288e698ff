package findings

import (
	"regexp"
	"strings"
	"time"

	"github.com/lockscope/lockscope/tracer/event"
)

// userMainName matches the name the instrumenter gives a program's main so
// that it can wrap it; findings say "main" as the user wrote it.
var userMainName = regexp.MustCompile(`\.` + event.UserMain + `\d*(\.|$)`)

// MainName is the function name fn with the user's main restored:
// "main.lockscopeUserMain.func1" is "main.main.func1".
func MainName(fn string) string {
	return userMainName.ReplaceAllString(fn, ".main$1")
}

// ShortFunc drops the import path of a function name and restores the
// user's main: example.com/a/b.(*T).M is b.(*T).M.
func ShortFunc(fn string) string {
	fn = MainName(fn)
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

// Duration formats nanoseconds for people, to about three significant
// digits: "12.3s", "1.25s", "250.1ms", "3.21ms", "41.3µs". Every duration
// lockscope writes in a message or report goes through it.
func Duration(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d >= 10*time.Second:
		d = d.Round(100 * time.Millisecond)
	case d >= time.Second:
		d = d.Round(10 * time.Millisecond)
	case d >= 10*time.Millisecond:
		d = d.Round(100 * time.Microsecond)
	case d >= time.Millisecond:
		d = d.Round(10 * time.Microsecond)
	case d >= time.Microsecond:
		d = d.Round(100 * time.Nanosecond)
	}
	return d.String()
}
