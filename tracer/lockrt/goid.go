package lockrt

import (
	"runtime"
	"sync"
)

// Goroutine identity.
//
// The fast way reads the goid field of the runtime's g struct through gword.
// Its offset is not part of any API, so it is discovered, never assumed: the
// candidate offsets are the words of a goroutine's g that equal the ID that
// runtime.Stack prints, intersected over several fresh goroutines with
// different IDs. Exactly one offset must survive and then agree on further
// goroutines; otherwise IDs are parsed from runtime.Stack (slow, correct).

// maxGWords bounds the words of g examined: the g struct is at least 448
// bytes on 64-bit platforms, so 40 words stay inside it.
const maxGWords = 40

// probes is how many fresh goroutines discovery and confirmation each use.
const probes = 4

var (
	goidOnce sync.Once
	goidOff  uintptr // byte offset of goid in g; 0 means "use the stack"
)

// goidOffset returns the discovered offset of the goid field, or 0 when IDs
// must be parsed from runtime.Stack. Discovery runs once.
func goidOffset() uintptr {
	goidOnce.Do(func() { goidOff = discoverGoid() })
	return goidOff
}

// stackGoid parses the running goroutine's ID from the "goroutine N [" header
// of runtime.Stack. It returns 0 if the header cannot be parsed.
func stackGoid() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	return parseGoid(buf[:n])
}

// parseGoid parses the number after "goroutine " at the start of b.
func parseGoid(b []byte) int64 {
	const prefix = "goroutine "
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return 0
	}
	var id int64
	for _, c := range b[len(prefix):] {
		if c < '0' || c > '9' {
			if c == ' ' {
				return id
			}
			return 0
		}
		id = id*10 + int64(c-'0')
	}
	return 0
}

// probe is what one goroutine saw: its ID and the offsets of the g words
// equal to it.
type probe struct {
	id    int64
	match []uintptr
}

func probeSelf() probe {
	p := probe{id: stackGoid()}
	for w := uintptr(0); w < maxGWords; w++ {
		if gword(w*8) == p.id {
			p.match = append(p.match, w*8)
		}
	}
	return p
}

// probeFresh runs probeSelf on n new goroutines, one after another.
func probeFresh(n int) []probe {
	out := make([]probe, 0, n)
	ch := make(chan probe)
	for i := 0; i < n; i++ {
		go func() { ch <- probeSelf() }()
		out = append(out, <-ch)
	}
	return out
}

// discoverGoid returns the goid offset, or 0 if it cannot be established.
func discoverGoid() uintptr {
	if !gwordOK {
		return 0
	}
	ps := append(probeFresh(probes), probeSelf())
	off, ok := agreedOffset(ps)
	if !ok {
		return 0
	}
	for _, p := range probeFresh(probes) {
		if p.id == 0 || !contains(p.match, off) {
			return 0
		}
	}
	return off
}

// agreedOffset intersects the probes' candidates. It needs distinct nonzero
// IDs and exactly one surviving offset.
func agreedOffset(ps []probe) (uintptr, bool) {
	seen := map[int64]bool{}
	cands := ps[0].match
	for _, p := range ps {
		if p.id == 0 || seen[p.id] {
			return 0, false
		}
		seen[p.id] = true
		var keep []uintptr
		for _, c := range cands {
			if contains(p.match, c) {
				keep = append(keep, c)
			}
		}
		cands = keep
	}
	if len(cands) != 1 || cands[0] == 0 {
		return 0, false
	}
	return cands[0], true
}

func contains(s []uintptr, v uintptr) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
