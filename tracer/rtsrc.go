package tracer

import (
	"embed"
	"io/fs"
)

// runtimeSrc is the source of the packages linked into instrumented targets:
// the lock runtime and its event encoding. lockscope carries them inside its
// binary so that `go install` is all a user needs; package instrument
// decides how they join each target's build.
//
//go:embed lockrt event
var runtimeSrc embed.FS

// runtimeFS is the runtime's source tree as instrument.Config.Runtime wants
// it: this directory, holding lockrt/ and event/.
func runtimeFS() fs.FS { return runtimeSrc }
