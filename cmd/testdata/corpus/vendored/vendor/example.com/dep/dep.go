// Package dep exists only in the vendor directory: no proxy serves it, so
// a build that ignores vendor/ fails.
package dep

// Source says where the code came from.
const Source = "vendor"
