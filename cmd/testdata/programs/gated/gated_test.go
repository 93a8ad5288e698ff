package gated

import "testing"

func TestReadThenWrite(t *testing.T) {
	db := &DB{}
	db.BeginRead()
	db.BeginWrite()
	db.EndWrite()
	db.EndRead()
}
func TestClose(t *testing.T) { db := &DB{}; db.BeginRead(); db.EndRead(); db.Close() }
