package analyzer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/google/pprof/profile"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
	"github.com/lockscope/lockscope/tracer/event"
)

// lockSample is one stack of a Go runtime block or mutex profile on one of
// the target's instrumented locks.
type lockSample struct {
	// Lock is the lock's class name, as in Result.Contention.
	Lock string
	// Stack is the user's part of the stack, innermost first: the frames
	// of the lock runtime, package sync and the Go runtime are gone, so
	// Stack[0] is the Lock (block) or Unlock (mutex) call.
	Stack []findings.Frame
	// Count and DelayNs are the profile's contentions and delay in
	// nanoseconds for this stack.
	Count   int64
	DelayNs int64
}

// lockProfile reads p's runtime profile of kind (tracer.BlockProfile or
// tracer.MutexProfile) and returns its samples on instrumented locks, named with
// sites, heaviest first. Waits on channels and other primitives, and the
// lock runtime's own locks, are left out. A missing file gives no samples
// and no error: the target never started or crashed before writing it.
func lockProfile(sites *event.SiteTable, p *tracer.Process, kind string) ([]lockSample, error) {
	path := p.ProfilePath(kind)
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	prof, err := profile.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("read %s profile %s: %w", kind, path, err)
	}
	count, delay := valueIndex(prof, "contentions"), valueIndex(prof, "delay")
	if count < 0 || delay < 0 {
		return nil, fmt.Errorf("%s profile %s has no contentions and delay values", kind, path)
	}
	ix := newSiteIndex(sites)
	var out []lockSample
	for _, s := range prof.Sample {
		user, ok := lockUser(frames(s), kind)
		if !ok || len(user) == 0 {
			continue
		}
		lock := ix.lockAt(user[0], kind)
		if len(user) > 1 && deferWrap.MatchString(user[0].Func) {
			user = user[1:] // a deferred Unlock: its function is the holder
		}
		out = append(out, lockSample{Lock: lock, Stack: user,
			Count: s.Value[count], DelayNs: s.Value[delay]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DelayNs > out[j].DelayNs })
	return out, nil
}

// deferWrap matches the wrapper the compiler makes for a deferred call
// such as "defer mu.Unlock()"; its line is the defer statement's.
var deferWrap = regexp.MustCompile(`\.deferwrap\d+$`)

// valueIndex returns the index of the sample type named typ, or -1.
func valueIndex(p *profile.Profile, typ string) int {
	for i, st := range p.SampleType {
		if st.Type == typ {
			return i
		}
	}
	return -1
}

// frames expands a sample's locations, inlined calls included, innermost
// first.
func frames(s *profile.Sample) []findings.Frame {
	var out []findings.Frame
	for _, loc := range s.Location {
		for _, ln := range loc.Line {
			if ln.Function != nil {
				out = append(out, findings.Frame{Func: ln.Function.Name, File: ln.Function.Filename, Line: int(ln.Line)})
			}
		}
	}
	return out
}

// lockUser returns the user's frames of a stack that waited in (block) or
// released (mutex) an instrumented lock, and whether it did: below sync and
// the Go runtime, the lock runtime's frames must include its blocking
// acquisition (block) or start at an Unlock (mutex). Every lock runtime and
// sync frame (sync.Cond and Locker wrappers included) is dropped from the
// top.
func lockUser(fs []findings.Frame, kind string) ([]findings.Frame, bool) {
	i := 0
	for i < len(fs) && runtimeOrSync(fs[i].Func) {
		i++
	}
	ok := false
	for j := i; j < len(fs) && event.RuntimeFunc(fs[j].Func); j++ {
		fn, _ := event.RuntimeName(fs[j].Func)
		ok = ok || kind == tracer.BlockProfile && fn == "(*recorder).lock" ||
			kind == tracer.MutexProfile && j == i && strings.Contains(fn, "Unlock")
	}
	if !ok {
		return nil, false
	}
	for i < len(fs) && (runtimeOrSync(fs[i].Func) || event.RuntimeFunc(fs[i].Func)) {
		i++
	}
	return trim(fs[i:]), true
}

func runtimeOrSync(fn string) bool {
	return strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "sync.") || strings.HasPrefix(fn, "internal/")
}

// siteIndex finds the lock class of a call from the site table.
type siteIndex struct {
	sites *event.SiteTable
	line  map[string]int32 // "file:line" -> class; 0 when ambiguous
}

func newSiteIndex(sites *event.SiteTable) *siteIndex {
	if sites == nil {
		sites = &event.SiteTable{}
	}
	ix := &siteIndex{sites: sites, line: map[string]int32{}}
	for _, s := range sites.Sites {
		k := fmt.Sprintf("%s:%d", s.Frame.File, s.Frame.Line)
		if old, seen := ix.line[k]; seen && old != s.Class {
			ix.line[k] = 0
		} else {
			ix.line[k] = s.Class
		}
	}
	return ix
}

// lockAt names the lock locked (block) or unlocked (mutex) at f: the class
// of the instrumented call on f's line; else, for a deferred Unlock (whose
// frame shows the function's return), the one class unlocked in f's
// function; else "Func:line", as a lock met only at a dynamic site is named.
func (ix *siteIndex) lockAt(f findings.Frame, kind string) string {
	if c := ix.line[fmt.Sprintf("%s:%d", f.File, f.Line)]; ix.named(c) {
		return ix.sites.Classes[c].Name
	}
	if kind == tracer.MutexProfile {
		if c := ix.funcClass(f, "Unlock"); ix.named(c) {
			return ix.sites.Classes[c].Name
		}
	}
	return fmt.Sprintf("%s:%d", findings.ShortFunc(f.Func), f.Line)
}

func (ix *siteIndex) named(c int32) bool {
	return c > 0 && int(c) < len(ix.sites.Classes) && ix.sites.Classes[c].Name != ""
}

// funcClass returns the one class of the calls whose operation contains op
// in f's function, or 0 when there are none or several.
func (ix *siteIndex) funcClass(f findings.Frame, op string) int32 {
	var class int32
	for _, s := range ix.sites.Sites {
		if s.Frame.File != f.File || !strings.Contains(s.Op, op) || !sameFunc(s.Frame.Func, f.Func) {
			continue
		}
		if class != 0 && class != s.Class {
			return 0
		}
		class = s.Class
	}
	return class
}

// lockLine returns the line of the first acquisition of the class named
// lock in f's function, or 0: where the critical section that f ends began.
func (ix *siteIndex) lockLine(f findings.Frame, lock string) int {
	line := 0
	for _, s := range ix.sites.Sites {
		if s.Frame.File != f.File || !acquireOp(s.Op) ||
			!ix.named(s.Class) || ix.sites.Classes[s.Class].Name != lock || !sameFunc(s.Frame.Func, f.Func) {
			continue
		}
		if line == 0 || s.Frame.Line < line {
			line = s.Frame.Line
		}
	}
	return line
}

func acquireOp(op string) bool {
	return strings.HasSuffix(op, "Lock") && !strings.Contains(op, "Unlock")
}

// acquireOf finds where the critical section that a mutex profile stack
// ends (its release first) began: an acquisition of lock in the releasing
// function or, for a section released elsewhere than it was taken, in a
// caller on the stack; else the one acquisition site of lock in the site
// table in the release's mode (RLock for an RUnlock), when there is only
// one. The zero Frame when it cannot tell.
func (ix *siteIndex) acquireOf(st []findings.Frame, lock string) findings.Frame {
	for _, f := range st {
		if line := ix.lockLine(f, lock); line > 0 {
			f.Line = line
			return f
		}
	}
	if len(st) == 0 {
		return findings.Frame{}
	}
	read := ix.releaseOp(st[0]) == "RUnlock"
	var only *event.Site
	for i, s := range ix.sites.Sites {
		if !acquireOp(s.Op) || !ix.named(s.Class) || ix.sites.Classes[s.Class].Name != lock ||
			strings.Contains(s.Op, "RLock") != read {
			continue
		}
		if only != nil {
			return findings.Frame{}
		}
		only = &ix.sites.Sites[i]
	}
	if only == nil {
		return findings.Frame{}
	}
	return findings.Frame(only.Frame)
}

// releaseOp is the operation of the site table at f's line, "" if none.
func (ix *siteIndex) releaseOp(f findings.Frame) string {
	for _, s := range ix.sites.Sites {
		if s.Frame.File == f.File && s.Frame.Line == f.Line {
			return s.Op
		}
	}
	return ""
}

// sameFunc compares function names without their package paths, since the
// site table names a main package by its import path and the Go runtime
// calls it main.
func sameFunc(a, b string) bool { return funcInPkg(a) == funcInPkg(b) }

// funcInPkg drops the package from a qualified function name:
// "example.com/kv.(*Replica).send" becomes "(*Replica).send".
func funcInPkg(f string) string {
	f = findings.ShortFunc(f)
	if i := strings.Index(f, "."); i >= 0 {
		return f[i+1:]
	}
	return f
}

// waitStacks are the stacks of every process that waited for an
// instrumented lock (from the block profiles), merged by lock, package and
// stack, heaviest first. Unreadable profiles are skipped: the contention
// check warns about those.
func (p *pass) waitStacks() []findings.WaitStack {
	var out []findings.WaitStack
	at := map[string]int{}
	for _, pr := range p.Input.Processes {
		samples, err := lockProfile(p.Input.Sites, pr, tracer.BlockProfile)
		if err != nil {
			continue
		}
		for _, s := range samples {
			var key strings.Builder
			fmt.Fprintf(&key, "%s\x00%s", s.Lock, pr.Package)
			for _, f := range s.Stack {
				fmt.Fprintf(&key, "\x00%s:%s:%d", f.Func, f.File, f.Line)
			}
			if i, ok := at[key.String()]; ok {
				out[i].Count += s.Count
				out[i].DelayNs += s.DelayNs
				continue
			}
			at[key.String()] = len(out)
			out = append(out, findings.WaitStack{Lock: s.Lock, Package: pr.Package, Stack: s.Stack, Count: s.Count, DelayNs: s.DelayNs})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DelayNs > out[j].DelayNs })
	return out
}
