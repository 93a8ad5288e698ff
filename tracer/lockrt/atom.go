package lockrt

import "github.com/lockscope/lockscope/tracer/event"

// Internal synchronisation and the race detector.
//
// The runtime's own shared state (slot records, instance words, the key
// tables, class stats, counters) is synchronised with the atomic types and
// the internal mutex of this file's build-tagged siblings. In ordinary
// builds they are sync/atomic's types and sync.Mutex, by alias: the code is
// exactly what it would be without them. In -race builds (atom_race.go)
// they are implemented so that the race detector sees none of their
// synchronisation: atomics in small assembly functions (amd64, arm64;
// elsewhere sync/atomic between runtime.RaceDisable and RaceEnable), the
// mutex as a spin lock on them, and the few channel sends and file writes of
// the runtime inside RaceDisable. Otherwise every goroutine that locks any
// instrumented mutex would synchronise, for the race detector, with every
// other one through the runtime's shared tables (an instance counter, a
// chain key, a class's stats), and races in the target between goroutines
// that never share a lock would go unreported. The real sync.Mutex and
// sync.RWMutex calls are untouched, so the target's own locking keeps its
// happens-before edges.
//
// Plain fields of the shared state (held entries, an instance's class) are
// then, for the race detector, accessed without synchronisation: every
// function that writes one is marked //go:norace, so that no write reaches
// the detector's shadow memory and no read can be reported against one.
// Maps are not used for shared state (the Go runtime checks map accesses
// itself, whatever the caller's pragma): see idmap.
//
// What remains visible: the recorder's publication through cur (a release
// at start, in init for real targets, acquired by every lock call), and
// encoding/json's buffer pool, which orders a goroutine that marshals an
// event (a new lock order, a misuse, a snapshot: rare, mostly early) after
// the last one that used the same buffer. warmJSON fills encoding/json's
// type caches at start, so that the first goroutine to marshal a kind of
// field does not publish its cache entry to every later one.

// warmJSON marshals an event with every field set, once, at start.
func warmJSON() {
	l := event.Lock{Class: 1, Inst: 1, Mode: event.Read, Site: 1, Try: true, Since: 1}
	f := event.Frame{Func: "f", File: "f.go", Line: 1}
	g := event.Goroutine{ID: 1, Held: []event.Lock{l}, Waiting: &l, Created: &f}
	_, _ = event.Marshal(&event.Event{Kind: event.KindEdge, Time: 1, Goroutine: 1, PID: 1,
		GoVersion: "go", GoidMode: "asm", Site: 1, Frame: &f, Inst: 1, Class: 1, Ordinal: 1,
		Held: []event.Lock{l}, Acq: &l, Stack: []event.Frame{f}, Others: []event.Goroutine{g},
		Stats: []event.ClassStats{{Class: 1, Contended: 1}}, Reason: "r",
		Goroutines: []event.Goroutine{g}, Dump: "d", Code: 1})
}
