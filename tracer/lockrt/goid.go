package lockrt

import (
	"reflect"
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

// Goroutine creation sites.
//
// A lock-leak whose goroutine has ended can no longer be looked up in a
// goroutine dump, so its record keeps where the goroutine was created: the
// PC of its go statement, which the runtime keeps in the g struct (gopc)
// and prints as "created by" in dumps. Its offset, like the goid's, is
// discovered: the words of g that are PCs inside the function whose go
// statement started the goroutine, intersected over several fresh
// goroutines, must leave exactly one offset. Otherwise creation sites are
// not recorded.

// maxGopcWords bounds the words of g examined for gopc: 448 bytes, inside
// the g struct (see maxGWords).
const maxGopcWords = 56

var (
	gopcOnce sync.Once
	gopcOff  uintptr // byte offset of gopc in g; 0: not known
)

// gopcOffset returns the discovered offset of the gopc field, or 0.
func gopcOffset() uintptr {
	gopcOnce.Do(func() { gopcOff = discoverGopc() })
	return gopcOff
}

// creatorPC returns the PC of the go statement that started the running
// goroutine, or 0 if it is not known.
func creatorPC() uintptr {
	if gopcOff == 0 {
		return 0
	}
	return uintptr(gword(gopcOff))
}

// discoverGopc returns the gopc offset, or 0 if it cannot be established.
func discoverGopc() uintptr {
	if !gwordOK {
		return 0
	}
	self := runtime.FuncForPC(reflectPC(discoverGopc)).Name()
	var cands []uintptr
	for i := 0; i < probes; i++ {
		ch := make(chan []uintptr)
		go func() { ch <- pcWordsIn(self) }()
		got := <-ch
		if i == 0 {
			cands = got
			continue
		}
		var keep []uintptr
		for _, c := range cands {
			if contains(got, c) {
				keep = append(keep, c)
			}
		}
		cands = keep
	}
	if len(cands) != 1 || cands[0] == 0 {
		return 0
	}
	return cands[0]
}

// pcWordsIn returns the offsets of the running goroutine's g words that
// are PCs of the function named fn.
func pcWordsIn(fn string) []uintptr {
	var out []uintptr
	for w := uintptr(0); w < maxGopcWords; w++ {
		if f := runtime.FuncForPC(uintptr(gword(w * 8))); f != nil && f.Name() == fn {
			out = append(out, w*8)
		}
	}
	return out
}

// reflectPC returns the entry PC of the function f.
func reflectPC(f func() uintptr) uintptr { return reflect.ValueOf(f).Pointer() }
