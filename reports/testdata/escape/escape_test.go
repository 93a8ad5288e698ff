// Package escape is a target for the report's escaping test: its test
// names and output carry markup that the HTML report must show as text.
package escape

import (
	"sync"
	"testing"
)

type Pair struct{ a, b sync.Mutex }

func TestMarkup(t *testing.T) {
	var p Pair
	p.a.Lock()
	p.b.Lock()
	p.b.Unlock()
	p.a.Unlock()
	t.Run(`<script>document.title="pwned"</script> &amp; <b>bold</b>`, func(t *testing.T) {
		p.b.Lock()
		p.a.Lock()
		p.a.Unlock()
		p.b.Unlock()
		t.Log(`<script>window.pwned=1</script> &lt;tag&gt; <img src=x onerror="window.pwned=2">`)
		t.Fatal(`<script>alert(3)</script>`)
	})
}
