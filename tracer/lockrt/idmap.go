package lockrt

import "github.com/lockscope/lockscope/tracer/event"

// Maps of the runtime's shared state, guarded by their owner's imutex.
// They are not Go maps: the Go runtime reports unsynchronised map accesses
// itself in -race builds, and the internal mutex synchronises nothing for
// the race detector (atom.go). Their writers are //go:norace instead.

// slotMap maps goroutine IDs to overflow records: open addressing with
// linear probing and backward-shift deletion.
type slotMap struct {
	keys []uint64 // goid with the top bit set; 0: empty
	recs []*slot
	used int
}

func slotKey(g int64) uint64 { return uint64(g) | 1<<63 }

// index returns the cell of g, or of the empty cell where it belongs.
func (m *slotMap) index(k uint64) int {
	mask := len(m.keys) - 1
	i := int(hash1(k)) & mask
	for m.keys[i] != 0 && m.keys[i] != k {
		i = (i + 1) & mask
	}
	return i
}

func (m *slotMap) get(g int64) *slot {
	if m.used == 0 {
		return nil
	}
	return m.recs[m.index(slotKey(g))]
}

//go:norace
func (m *slotMap) put(g int64, s *slot) {
	if 2*(m.used+1) > len(m.keys) {
		old, olds := m.keys, m.recs
		n := 2 * len(old)
		if n < 16 { // not the max builtin: the runtime builds at go 1.20
			n = 16
		}
		m.keys, m.recs, m.used = make([]uint64, n), make([]*slot, n), 0
		for i, k := range old {
			if k != 0 {
				j := m.index(k)
				m.keys[j], m.recs[j] = k, olds[i]
				m.used++
			}
		}
	}
	k := slotKey(g)
	i := m.index(k)
	if m.keys[i] == 0 {
		m.used++
	}
	m.keys[i], m.recs[i] = k, s
}

// del removes g if it is s's.
//
//go:norace
func (m *slotMap) del(g int64, s *slot) bool {
	if m.used == 0 {
		return false
	}
	i := m.index(slotKey(g))
	if m.keys[i] == 0 || m.recs[i] != s {
		return false
	}
	mask := len(m.keys) - 1
	for j := i; ; {
		m.keys[i], m.recs[i] = 0, nil
		for {
			j = (j + 1) & mask
			if m.keys[j] == 0 {
				m.used--
				return true
			}
			h := int(hash1(m.keys[j])) & mask
			// The entry at j stays unless its home h is cyclically
			// outside (i, j]: then it moves into the hole at i.
			if i <= j {
				if i < h && h <= j {
					continue
				}
			} else if i < h || h <= j {
				continue
			}
			break
		}
		m.keys[i], m.recs[i] = m.keys[j], m.recs[j]
		i = j
	}
}

func (m *slotMap) all(out []*slot) []*slot {
	for _, s := range m.recs {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// siteMap maps dynamic-site frames to their IDs: open addressing on a hash
// of the frame, frames compared on a hit. Insert only.
type siteMap struct {
	hashes []uint64 // 0: empty
	frames []event.Frame
	ids    []int32
	used   int
}

func frameHash(f event.Frame) uint64 {
	h := mix(0x73697465, uint64(f.Line))
	for _, s := range [2]string{f.Func, f.File} {
		for i := 0; i < len(s); i++ {
			h = mix(h, uint64(s[i]))
		}
		h = mix(h, uint64(len(s)))
	}
	return h // mix never returns 0
}

// index returns the cell of f, or of the empty cell where it belongs.
func (m *siteMap) index(h uint64, f event.Frame) int {
	mask := len(m.hashes) - 1
	i := int(hash1(h)) & mask
	for m.hashes[i] != 0 && (m.hashes[i] != h || m.frames[i] != f) {
		i = (i + 1) & mask
	}
	return i
}

func (m *siteMap) get(f event.Frame) (int32, bool) {
	if m.used == 0 {
		return 0, false
	}
	i := m.index(frameHash(f), f)
	return m.ids[i], m.hashes[i] != 0
}

//go:norace
func (m *siteMap) put(f event.Frame, id int32) {
	if 2*(m.used+1) > len(m.hashes) {
		oh, of, oi := m.hashes, m.frames, m.ids
		n := 2 * len(oh)
		if n < 64 { // not the max builtin: the runtime builds at go 1.20
			n = 64
		}
		m.hashes, m.frames, m.ids = make([]uint64, n), make([]event.Frame, n), make([]int32, n)
		for i, h := range oh {
			if h != 0 {
				j := m.index(h, of[i])
				m.hashes[j], m.frames[j], m.ids[j] = h, of[i], oi[i]
			}
		}
	}
	h := frameHash(f)
	i := m.index(h, f)
	if m.hashes[i] == 0 {
		m.used++
	}
	m.hashes[i], m.frames[i], m.ids[i] = h, f, id
}
