package lockrt

import (
	"runtime"
	"strings"

	"github.com/lockscope/lockscope/tracer/event"
)

// Dynamic sites name acquisitions the rewriter could not name: Lock through a
// sync.Locker (sync.Cond among them) or a method value. The site is the first
// caller outside packages lockrt and sync.
//
// A return address decides it: the logical frames at one (inlined calls
// included) never change, so either one of them is the first frame outside
// lockrt and sync, or all are inside and the answer lies further up. The
// recorder keeps, per return address, the site it leads to or "look further
// up", learned on first sight. A siteless acquisition follows frame pointers
// (frame_amd64.s, frame_arm64.s), one frame at a time, looking each return
// address up, and stops at the first that names a site. It starts at the
// return address of the method that called dynSite (Lock, RLock, TryLock,
// TryRLock or the runtime's own code), which is never inlined, so the frame
// below is all lockrt's: usually that first return address names the site,
// for four loads and one table lookup, with no runtime.Callers and no
// allocation.
//
// On a miss the site is found with runtime.Callers, as before (cached per
// call path); then the missed return address is learned, but only if its
// own frames agree with that answer, so a frame pointer chain that skipped a
// frame can only cost speed, never name a wrong site. Where there is no
// frame-pointer reader (other architectures), every siteless acquisition
// takes the runtime.Callers way.

const (
	pathPCs    = 4 // caller PCs that identify a call path in the path cache
	maxWalk    = 8 // frames a walk follows at most
	pcInternal = 1 // pcSite value: only lockrt and sync frames at this return address
)

// dynSite returns the packed dynamic site of the calling acquisition: the
// negative site ID as both class and site. Neither it nor its caller may be
// inlined (both are //go:noinline): the walk starts from its caller's
// frame. Between reading a frame pointer and following it, it calls nothing
// that could move the stack (table.get inlines, frameAt is a leaf in
// assembly).
//
//go:noinline
func (r *recorder) dynSite() uint64 {
	if !framesOK {
		return r.dynSiteSlow(0)
	}
	pc, fp := callerCaller()
	for i := 0; i < maxWalk; i++ {
		var v int32
		if c := r.pcs.get(pcKey(pc)); c >= 0 {
			v = r.pcSite[c].Load()
		}
		if v < 0 {
			return packSite(v)
		}
		if v != pcInternal {
			return r.dynSiteSlow(pc) // not learned yet
		}
		if fp == 0 {
			break
		}
		pc, fp = frameAt(fp)
	}
	return r.dynSiteSlow(0)
}

// pcKey is the pcs table key of a return address; path keys (pathKey) never
// have the top bit set.
func pcKey(pc uintptr) uint64 { return uint64(pc) | 1<<63 }

// dynSiteSlow finds the calling acquisition's site with runtime.Callers and
// learns what the return address pc (if not 0), where a walk stopped,
// leads to.
//
//go:noinline
func (r *recorder) dynSiteSlow(pc uintptr) uint64 {
	r.slowSites.Add(1)
	var pcs [pathPCs + 4]uintptr
	n := runtime.Callers(3, pcs[:]) // from dynSite's caller on
	h := uint64(0)
	for i := 0; i < n && i < pathPCs+2; i++ {
		h = mix(h, uint64(pcs[i]))
	}
	h = pathKey(h)
	var id int32
	if c := r.pcs.get(h); c >= 0 {
		id = r.pcSite[c].Load()
	}
	if id == 0 {
		id = r.siteOf(callerFrame(append([]uintptr(nil), pcs[:n]...))) // pcs stays on the stack
		if c, _, _ := r.pcs.add(h); c >= 0 {
			r.pcSite[c].Store(id)
		}
	}
	if pc != 0 {
		r.learn(pc, id)
	}
	return packSite(id)
}

// pathKey makes a call path's hash a pcs table key: nonzero, top bit clear.
func pathKey(h uint64) uint64 {
	h &^= 1 << 63
	if h == 0 {
		h = 1
	}
	return h
}

// learn records what return address pc leads to, given id, the site that
// runtime.Callers found for the acquisition whose walk stopped at pc: "look
// further up" if pc's frames are all in lockrt or sync, else id, if pc's
// first other frame is id's. A disagreement (a frame the walk did not see)
// is not recorded, and that path keeps taking dynSiteSlow.
func (r *recorder) learn(pc uintptr, id int32) {
	v := int32(pcInternal)
	if fr, ok := outsideFrame(pc); ok {
		r.sitesMu.Lock()
		sid, known := r.sites.get(fr)
		r.sitesMu.Unlock()
		if !known || sid != id {
			return
		}
		v = id
	}
	if c, _, _ := r.pcs.add(pcKey(pc)); c >= 0 {
		r.pcSite[c].Store(v)
	}
}

func packSite(id int32) uint64 { return event.Site{ID: id, Class: id}.Packed() }

// callerFrame returns the first frame of pcs outside packages lockrt and sync.
func callerFrame(pcs []uintptr) event.Frame {
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if !internalFunc(f.Function) {
			return event.Frame{Func: f.Function, File: f.File, Line: f.Line}
		}
		if !more {
			return event.Frame{Func: "unknown"}
		}
	}
}

// outsideFrame returns the first of the logical frames at return address pc
// (innermost first) outside packages lockrt and sync, and false if there is
// none. Compiler-generated wrappers count as inside: runtime.Callers leaves
// them out, and so must the walk.
func outsideFrame(pc uintptr) (event.Frame, bool) {
	// CallersFrames expands the calls inlined at a PC only while more PCs
	// follow it: the 0 after pc, which names no function, makes it expand
	// them all.
	frames := runtime.CallersFrames([]uintptr{pc, 0})
	for {
		f, more := frames.Next()
		if f.Function != "" && !internalFunc(f.Function) && f.File != "<autogenerated>" {
			return event.Frame{Func: f.Function, File: f.File, Line: f.Line}, true
		}
		if !more {
			return event.Frame{}, false
		}
	}
}

// internalFunc reports functions of packages lockrt and sync.
func internalFunc(fn string) bool {
	return strings.HasPrefix(fn, pkgPrefix) || strings.HasPrefix(fn, "sync.")
}

// siteOf returns the negative site ID of fr, writing KindSite the first time.
func (r *recorder) siteOf(fr event.Frame) int32 {
	r.sitesMu.Lock()
	defer r.sitesMu.Unlock()
	if id, ok := r.sites.get(fr); ok {
		return id
	}
	id := -int32(r.sites.used + 1)
	r.sites.put(fr, id)
	f := fr
	r.emit(&event.Event{Kind: event.KindSite, Site: id, Frame: &f})
	return id
}
