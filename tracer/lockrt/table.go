package lockrt

// table is a lock-free open-addressing set of nonzero uint64 keys with linear
// probing. Lookups are atomic loads; an insert claims an empty cell by CAS.
// Keys are never deleted, and a hit compares the whole stored key, so there
// are no false hits. Callers keep per-key data in arrays parallel to keys,
// indexed by the cell a key lives in.
type table struct {
	keys  []aU64
	mask  uint64
	limit int64 // inserts allowed before the table counts as full
	count aI64  // keys inserted
	full  aBool // set once the table refused a key
}

// maxProbe bounds a lookup's probe sequence.
const maxProbe = 64

func newTable(logSize uint) *table {
	n := uint64(1) << logSize
	return &table{keys: make([]aU64, n), mask: n - 1, limit: int64(n - n/8)}
}

// get returns the cell holding key, or -1. It never writes.
func (t *table) get(key uint64) int {
	j := hash1(key) & t.mask
	for i := 0; i < maxProbe; i++ {
		switch t.keys[j].Load() {
		case key:
			return int(j)
		case 0:
			return -1
		}
		j = (j + 1) & t.mask
	}
	return -1
}

// add returns the cell of key, inserting it if absent. isNew is true for the
// one caller that inserted it. cell is -1 when the table is full; the first
// refusal sets full and returns first = true so the caller can say so once.
func (t *table) add(key uint64) (cell int, isNew, first bool) {
	j := hash1(key) & t.mask
	for i := 0; i < maxProbe; i++ {
		k := t.keys[j].Load()
		if k == key {
			return int(j), false, false
		}
		if k == 0 {
			if t.count.Load() >= t.limit {
				break
			}
			if t.keys[j].CompareAndSwap(0, key) {
				t.count.Add(1)
				return int(j), true, false
			}
			if t.keys[j].Load() == key {
				return int(j), false, false
			}
		}
		j = (j + 1) & t.mask
	}
	return -1, false, t.full.CompareAndSwap(false, true)
}

// hash1 spreads a key over the cells.
func hash1(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

// mix folds v into the running hash h; the result is never 0, which tables
// reserve for empty cells.
func mix(h, v uint64) uint64 {
	h ^= v + 0x9e3779b97f4a7c15 + h<<6 + h>>2
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 29
	if h == 0 {
		h = 1
	}
	return h
}
