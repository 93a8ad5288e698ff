package event

// SiteTable is what lockscope learned about the target's locks when it
// rewrote the target: every lock class it could name and every Lock/Unlock
// call site, by ID. Instrumented calls pass Site.Packed() to the runtime, so
// event records carry these IDs. IDs start at 1; index 0 of each slice is
// unused so that Classes[id] and Sites[id] are direct lookups.
type SiteTable struct {
	Classes []Class `json:"classes"`
	Sites   []Site  `json:"sites"`
}

// Class is one lock class: every lock instance stored in the same struct
// field, package variable or local variable.
type Class struct {
	ID int32 `json:"id"`
	// Name is what a reader of the code calls the lock: "Replica.raftMu",
	// "store.registryMu", or "transfer.mu" for a local variable.
	Name string `json:"name"`
	// Key is the fully qualified identity ("example.com/kv.Replica.raftMu"),
	// unique even when two packages use the same Name.
	Key string `json:"key"`
	// Kind is "field", "var" (package variable) or "local".
	Kind string `json:"kind"`
	// RW is set for sync.RWMutex classes.
	RW bool `json:"rw,omitempty"`
	// Decl is where the lock is declared.
	Decl Frame `json:"decl"`
}

// Site is one instrumented call of a lock method.
type Site struct {
	ID int32 `json:"id"`
	// Op is the method called: Lock, Unlock, TryLock, RLock, RUnlock, TryRLock.
	Op    string `json:"op"`
	Class int32  `json:"class"` // 0 when the receiver could not be named
	Frame Frame  `json:"frame"` // Func is the enclosing function, "pkg.Type.Method" style
}

// Packed is the argument an instrumented call passes to the runtime: the class
// in the high 32 bits and the site in the low 32.
func (s Site) Packed() uint64 { return uint64(uint32(s.Class))<<32 | uint64(uint32(s.ID)) }

// Unpack splits a packed site argument into class and site IDs.
func Unpack(p uint64) (class, site int32) { return int32(p >> 32), int32(uint32(p)) }
