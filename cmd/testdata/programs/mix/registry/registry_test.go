package registry

import "testing"

func TestTouchThenEvict(t *testing.T) {
	r, e := &Registry{names: map[string]*Entry{}}, &Entry{}
	r.Touch(e)
	e.Evict(r)
}
