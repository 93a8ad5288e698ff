package analyzer

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
	"github.com/lockscope/lockscope/findings"
)

// locksetSrc exercises the static lockset. Lines marked "// at NAME" are
// accesses; lock calls are found by their method names.
const locksetSrc = `package app

import "sync"

type Cache struct {
	mu      sync.RWMutex
	entries map[string]int
	stats   *Stats
}

type Stats struct {
	mu   sync.Mutex
	hits int
}

var registry = map[string]*Cache{}

func NewCache() *Cache { return &Cache{entries: map[string]int{}} }

func (c *Cache) Put(k string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[k] = v // at put
}

func (c *Cache) Get(k string) int {
	c.mu.RLock()
	v := c.entries[k] // at get
	c.mu.RUnlock()
	return c.entries[k] // at afterUnlock
}

func (c *Cache) Early(k string) int {
	c.mu.Lock()
	if k == "" {
		c.mu.Unlock()
		return 0
	}
	n := len(c.entries) // at early
	c.mu.Unlock()
	return n
}

func (c *Cache) Loop() {
	for i := 0; i < 2; i++ {
		c.mu.Lock()
		c.entries["x"]++
		c.mu.Unlock()
	}
	c.entries["y"] = 1 // at afterLoop
}

func (c *Cache) Hit() {
	c.mu.Lock()
	c.count() // at caller
	c.mu.Unlock()
	go func() {
		c.stats.hits++ // at closure
	}()
}

func (c *Cache) Handoff() {
	c.mu.Lock()
	go func() { c.stats.hits++; c.mu.Unlock() }() // at oneline
}

func (c *Cache) count() {
	c.stats.mu.Lock()
	c.stats.hits++ // at nested
	c.stats.mu.Unlock()
}

func use() {
	c := NewCache()
	c.entries["z"] = 2 // at constructed
	registry["a"] = c // at global
	var s Stats
	s.hits = 3 // at declared
}
`

func TestRaceLockset(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "app.go")
	if err := os.WriteFile(file, []byte(locksetSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	at := map[string]int{}
	var entries []string
	for i, l := range strings.Split(locksetSrc, "\n") {
		if _, name, ok := strings.Cut(l, "// at "); ok {
			at[name] = i + 1
		}
		for _, op := range []string{"RUnlock", "RLock", "Unlock", "Lock"} {
			if strings.Contains(l, "."+op+"()") {
				cls := "Cache.mu"
				if strings.Contains(l, "stats.mu") {
					cls = "Stats.mu"
				}
				entries = append(entries, cls+" "+op+" "+strconv.Itoa(i+1))
				break
			}
		}
	}
	table := raceSites(file, map[string]bool{"Cache.mu": true}, entries...)
	src := newSources(dir)
	sites := newLockSites(table)
	tests := []struct {
		name  string
		stack []string // access names, innermost first
		held  string
		vars  string
	}{
		{"deferred unlock holds", []string{"put"}, "Cache.mu", "Cache.entries"},
		{"read lock", []string{"get"}, "Cache.mu(r)", "Cache.entries"},
		{"released before", []string{"afterUnlock"}, "", "Cache.entries"},
		{"early return unlock is another path", []string{"early"}, "Cache.mu", "Cache.entries"},
		{"loop body lock is released", []string{"afterLoop"}, "", "Cache.entries"},
		{"caller's lock", []string{"nested", "caller"}, "Cache.mu,Stats.mu", "Stats.hits"},
		{"closure holds nothing of its creator", []string{"closure"}, "", "Stats.hits"},
		{"one-line closure holds nothing of its creator", []string{"oneline"}, "", "Stats.hits,Cache.mu"},
		{"constructor result", []string{"constructed"}, "", "Cache.entries"},
		{"package variable", []string{"global"}, "", "app.registry"},
		{"declared variable", []string{"declared"}, "", "Stats.hits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st []findings.Frame
			for _, n := range tt.stack {
				fn := "app.x"
				if n == "oneline" {
					fn = "app.(*Cache).Handoff.func1" // the runtime's name for the literal
				}
				st = append(st, findings.Frame{Func: fn, File: file, Line: at[n]})
			}
			var held []string
			for _, h := range src.held(st, sites, table) {
				if h.Read {
					h.Name += "(r)"
				}
				held = append(held, h.Name)
			}
			if got := strings.Join(held, ","); got != tt.held {
				t.Errorf("held = %q, want %q", got, tt.held)
			}
			var vars []string
			for _, c := range src.candidates(src.file(file), st[0].Line) {
				if !c.local && !slices.Contains(vars, c.name) {
					vars = append(vars, c.name)
				}
			}
			if got := strings.Join(vars, ","); got != tt.vars {
				t.Errorf("variables = %q, want %q", got, tt.vars)
			}
		})
	}
}

func TestRaceAdvice(t *testing.T) {
	side := func(fn string, write bool, held ...heldLock) raceSide {
		return raceSide{acc: gotext.RaceAccess{Write: write, Goroutine: 5}, key: findings.Frame{Func: "app." + fn}, held: held}
	}
	mu := heldLock{Name: "Cache.mu", RW: true}
	rmu := heldLock{Name: "Cache.mu", RW: true, Read: true}
	other := heldLock{Name: "Index.mu"}
	tests := []struct {
		name string
		a, b raceSide
		want string
	}{
		{"none", side("Put", true), side("Get", false), "Neither side holds a lock: Cache.entries needs one"},
		{"reader forgot", side("Put", true, mu), side("Get", false), "The write in Put holds Cache.mu, the read in Get holds nothing: take Cache.mu (or its read lock, RLock) in Get"},
		{"writer forgot", side("Get", false, rmu), side("Put", true), "The read in Get holds Cache.mu, the write in Put holds nothing: take Cache.mu (its write lock, Lock) in Put"},
		{"different locks", side("Put", true, mu), side("Get", false, other), "They hold different locks, Cache.mu in Put and Index.mu in Get"},
		{"write under read lock", side("Put", true, rmu), side("Get", false, rmu), "Both hold Cache.mu, but the write in Put holds only its read lock"},
		{"same class", side("Put", true, mu), side("Get", false, mu), "Both sides seem to hold Cache.mu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := raceAdvice("Cache.entries", tt.a, tt.b); !strings.HasPrefix(got, tt.want) {
				t.Errorf("advice = %q\nwant it to start %q", got, tt.want)
			}
		})
	}
}
