package gtrace

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// maxClasses bounds the lock classes remembered per goroutine.
const maxClasses = 64

// builder folds events into a Summary. What it keeps is bounded by the
// live goroutines, the distinct stacks and the distinct kinds of block, not
// by the number of events.
type builder struct {
	s          Summary
	start, end int64
	stacks     [][]Frame
	byKey      map[string]int32
	gs         map[int64]*gstate
	blocks     map[blockKey]*Block
}

// gstate is what is known of one live goroutine.
type gstate struct {
	state, raw      string
	since           int64
	known           bool
	stack           int32 // blocking stack; -1 none
	created, entry  int32
	pending, locked *LockRef // logged before blocking; the lock of the current block
	classes         []int32  // lock classes it was seen waiting for
}

type blockKey struct {
	reason        string
	stack, unblkr int32
	class         int32
}

// transition is one goroutine state change, stacks interned.
type transition struct {
	g, by, t       int64
	from, to       string
	reason         string
	stack, evStack int32
}

func newBuilder() *builder {
	return &builder{byKey: map[string]int32{},
		gs: map[int64]*gstate{}, blocks: map[blockKey]*Block{}}
}

// intern returns the index of frames in the stack table, adding it.
func (b *builder) intern(fs []Frame) int32 {
	var k strings.Builder
	for _, f := range fs {
		k.WriteString(f.Func)
		k.WriteByte(0)
		k.WriteString(f.File)
		k.WriteByte(0)
		k.WriteString(strconv.Itoa(f.Line))
		k.WriteByte(1)
	}
	if id, ok := b.byKey[k.String()]; ok {
		return id
	}
	id := int32(len(b.stacks))
	b.stacks = append(b.stacks, fs)
	b.byKey[k.String()] = id
	return id
}

func (b *builder) frames(id int32) []Frame {
	if id < 0 {
		return nil
	}
	return b.stacks[id]
}

func (b *builder) g(id int64) *gstate {
	g := b.gs[id]
	if g == nil {
		g = &gstate{stack: -1, created: -1, entry: -1}
		b.gs[id] = g
	}
	return g
}

// logLock notes a lock runtime message of goroutine id.
func (b *builder) logLock(id int64, msg string) {
	l, ok := ParseLock(msg)
	if !ok || id < 0 {
		return
	}
	g := b.g(id)
	g.pending = &l
	if !slices.Contains(g.classes, l.Class) && len(g.classes) < maxClasses {
		g.classes = append(g.classes, l.Class)
	}
}

// transition applies one goroutine state change.
func (b *builder) transition(tr transition) {
	if tr.to == StateGone {
		delete(b.gs, tr.g)
		return
	}
	g := b.g(tr.g)
	if tr.from == StateGone {
		g.created, g.entry = tr.evStack, tr.stack
	}
	if tr.from == StateWaiting && tr.to != StateWaiting {
		b.unblocked(tr, g)
	}
	// At each generation's start the trace restates every goroutine's
	// state, as a transition from nothing or from the same state: nothing
	// changed, and a wait that began before it goes on.
	status := tr.from == "" || tr.from == tr.to
	if status && g.state == tr.to {
		if g.stack < 0 {
			g.stack = tr.stack
		}
		return
	}
	g.state, g.since, g.known = tr.to, tr.t, !status
	g.stack, g.raw, g.locked = -1, "", nil
	if tr.to == StateWaiting {
		g.stack, g.raw = tr.stack, tr.reason
		if g.pending != nil && Reason(tr.reason, b.frames(tr.stack)) == ReasonLock {
			g.locked = g.pending
		}
		g.pending = nil
	}
}

// unblocked records the end of g's block.
func (b *builder) unblocked(tr transition, g *gstate) {
	reason := Reason(g.raw, b.frames(g.stack))
	if reason == "" || !g.known {
		return
	}
	k := blockKey{reason: reason, stack: g.stack, unblkr: tr.evStack}
	if g.locked != nil {
		k.class = g.locked.Class
	}
	blk := b.blocks[k]
	if blk == nil {
		blk = &Block{Reason: reason, Stack: b.frames(g.stack), Unblocker: b.frames(tr.evStack),
			Lock: g.locked, G: tr.g, By: tr.by}
		b.blocks[k] = blk
	}
	d := tr.t - g.since
	blk.Count++
	blk.TotalNs += d
	blk.MaxNs = max(blk.MaxNs, d)
	if by := b.gs[tr.by]; by != nil && tr.by >= 0 {
		for _, c := range by.classes {
			if !slices.Contains(blk.UnblockerLocks, c) {
				blk.UnblockerLocks = append(blk.UnblockerLocks, c)
			}
		}
		slices.Sort(blk.UnblockerLocks)
	}
}

// finish builds the Summary: times from the window's start.
func (b *builder) finish() *Summary {
	s := &b.s
	s.DurationNs = max(b.end-b.start, 0)
	ids := make([]int64, 0, len(b.gs))
	for id := range b.gs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		g := b.gs[id]
		if g.state == "" {
			continue // only a lock log was seen
		}
		out := Goroutine{ID: id, State: g.state, Known: g.known, RawReason: g.raw,
			Stack: b.frames(g.stack), Created: b.frames(g.created), Entry: b.frames(g.entry), Lock: g.locked}
		if g.known {
			out.Since = max(g.since-b.start, 0)
		}
		if g.state == StateWaiting {
			out.Reason = Reason(g.raw, out.Stack)
		}
		s.Goroutines = append(s.Goroutines, out)
	}
	for _, blk := range b.blocks {
		s.Blocks = append(s.Blocks, *blk)
	}
	sort.Slice(s.Blocks, func(i, j int) bool {
		a, c := s.Blocks[i], s.Blocks[j]
		if a.TotalNs != c.TotalNs {
			return a.TotalNs > c.TotalNs
		}
		return a.G < c.G
	})
	return s
}
