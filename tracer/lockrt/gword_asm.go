//go:build amd64 || arm64

package lockrt

// gwordOK reports that gword reads the running goroutine's g struct.
const gwordOK = true

// gword returns the 8-byte word at byte offset off of the running
// goroutine's runtime g struct. It is written in assembly, so neither the
// race detector nor checkptr instruments the load.
func gword(off uintptr) int64

// fastGoid is gword(goidOff): the running goroutine's ID, once goidOffset
// has found a nonzero offset. Reading the offset in assembly saves passing
// it, which on the stack-based assembly calling convention is a store and
// a load on the path of every Lock and Unlock.
func fastGoid() int64
