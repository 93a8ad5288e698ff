package lockrt

import (
	"slices"
	"testing"
)

func TestSettle(t *testing.T) {
	a, b := &state{}, &state{}
	holds := func(id int64, seq uint32, sts ...*state) gstate {
		g := gstate{id: id, seq: seq}
		for _, st := range sts {
			g.held = append(g.held, entry{addr: addrOf(st), class: st.class, site: 1})
		}
		return g
	}
	waits := func(g gstate, st *state) gstate {
		g.wait = &entry{addr: addrOf(st), class: st.class, site: 2}
		return g
	}
	tests := []struct {
		name          string
		before, after []gstate
		settled       []int64
		unsettled     []int64
	}{
		{"unchanged", []gstate{holds(1, 4, a), waits(holds(2, 2), a)}, []gstate{holds(1, 4, a), waits(holds(2, 2), a)},
			[]int64{1, 2}, nil},
		{"unlocked and ended between the reads", []gstate{holds(1, 4, a)}, nil, nil, []int64{1}},
		{"locked between the reads", nil, []gstate{holds(1, 6, a)}, nil, []int64{1}},
		{"unlocked and locked again (a section passed)", []gstate{holds(1, 4, a)}, []gstate{holds(1, 8, a)}, nil, []int64{1}},
		{"another lock taken", []gstate{holds(1, 4, a)}, []gstate{holds(1, 4, a, b)}, nil, []int64{1}},
		{"stopped waiting", []gstate{waits(holds(3, 2), b)}, []gstate{holds(3, 2)}, nil, []int64{3}},
		{"one of two moved", []gstate{holds(5, 2, a), holds(4, 2, b)}, []gstate{holds(5, 2, a), holds(4, 4, b)},
			[]int64{5}, []int64{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			settled, unsettled := settle(tt.before, tt.after)
			var ids []int64
			for _, g := range settled {
				ids = append(ids, g.id)
			}
			if !slices.Equal(ids, tt.settled) || !slices.Equal(unsettled, tt.unsettled) {
				t.Errorf("settled %v, unsettled %v; want %v, %v", ids, unsettled, tt.settled, tt.unsettled)
			}
		})
	}
}

// TestSettleMidUnlock: a goroutine whose record still lists a lock whose
// instance names another holder is between the real Unlock and its
// record's update, however long it stays there.
func TestSettleMidUnlock(t *testing.T) {
	st := &state{}
	heapState = st // entries name it by address: it must not live on the stack, which moves
	st.id.Store(5)
	st.tag = tagOf(addrOf(st), 5)
	st.holder.Store(2) // goroutine 2 took the lock after 1 really unlocked it
	record := func(g int64) gstate {
		s := newSlot(g, false)
		s.held[0], s.n = entry{addr: addrOf(st), inst: 5}, 1
		return copyOut(s)
	}
	g1, g2 := record(1), record(2)
	settled, unsettled := settle([]gstate{g1, g2}, []gstate{g1, g2})
	if len(settled) != 1 || settled[0].id != 2 || !slices.Equal(unsettled, []int64{1}) {
		t.Errorf("settled %+v, unsettled %v; want only goroutine 2 settled", settled, unsettled)
	}
}

// heapState makes a test's state escape to the heap, as ensure makes every
// instance's.
var heapState *state
