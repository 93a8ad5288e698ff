package gated

import "sync"

type DB struct {
	rw   sync.Mutex // one writer
	meta sync.Mutex
	mm   sync.RWMutex // read-held by open read txs; write-locked only under rw
}

func (db *DB) BeginRead()  { db.meta.Lock(); db.mm.RLock(); db.meta.Unlock() }
func (db *DB) EndRead()    { db.mm.RUnlock() }
func (db *DB) BeginWrite() { db.rw.Lock(); db.meta.Lock(); db.meta.Unlock() }
func (db *DB) EndWrite()   { db.rw.Unlock() }
func (db *DB) Close() {
	db.rw.Lock()
	db.meta.Lock()
	db.mm.Lock()
	db.mm.Unlock()
	db.meta.Unlock()
	db.rw.Unlock()
}
