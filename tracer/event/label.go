package event

import (
	"strconv"
	"strings"
)

// LabelValue returns the value of the pprof label whose "key: " prefix is
// key in the label list s of a goroutine header, as the Go runtime prints
// it with GODEBUG=tracebacklabels=1: Go-quoted values when quoted (Go 1.26:
// `labels:{"k": "v"}`), bare ones otherwise, up to ", " or the closing
// brace (Go 1.27: `{k: v}`). It returns "" when the label is not there.
// The lock runtime and the analyzer read test labels with it.
func LabelValue(s, key string, quoted bool) string {
	i := strings.Index(s, key)
	if i < 0 {
		return ""
	}
	s = s[i+len(key):]
	if quoted {
		v, err := strconv.QuotedPrefix(s)
		if err != nil {
			return ""
		}
		u, _ := strconv.Unquote(v)
		return u
	}
	if j := strings.Index(s, ", "); j >= 0 && !strings.Contains(s[:j], "}") {
		return s[:j]
	}
	if j := strings.LastIndex(s, "}"); j >= 0 {
		return s[:j]
	}
	return s
}
