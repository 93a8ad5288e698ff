package lockrt

import (
	"runtime"
	"slices"
	"strings"

	"github.com/lockscope/lockscope/tracer/event"
)

// Dynamic sites name acquisitions the rewriter could not name: Lock through a
// sync.Locker (sync.Cond among them) or a method value. The site is the first
// caller outside packages lockrt and sync. It costs one runtime.Callers per
// acquisition; the symbolic lookup happens once per distinct call path.

// pathPCs is how many caller PCs identify a call path in the cache.
const pathPCs = 4

// dynSite returns the packed dynamic site of the calling acquisition: the
// negative site ID as both class and site.
func (r *recorder) dynSite() uint64 {
	var pcs [pathPCs + 4]uintptr
	n := runtime.Callers(2, pcs[:])
	h := uint64(0)
	if n > pathPCs+2 {
		n = pathPCs + 2
	}
	for _, pc := range pcs[:n] {
		h = mix(h, uint64(pc))
	}
	c := r.pcs.get(h)
	if c >= 0 {
		if id := r.pcSite[c].Load(); id != 0 {
			return packSite(id)
		}
	}
	id := r.siteOf(callerFrame(slices.Clone(pcs[:n]))) // pcs stays on the stack
	if c, _, _ := r.pcs.add(h); c >= 0 {
		r.pcSite[c].Store(id)
	}
	return packSite(id)
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
