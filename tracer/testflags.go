package tracer

import "strings"

// testFlags are `go test` flags that the test binary takes as -test.NAME.
// The value says whether the flag takes a value.
var testFlags = map[string]bool{
	"bench": true, "benchmem": false, "benchtime": true, "blockprofile": true,
	"blockprofilerate": true, "count": true, "coverprofile": true, "cpu": true,
	"cpuprofile": true, "failfast": false, "fullpath": false, "fuzz": true,
	"fuzzminimizetime": true, "fuzztime": true, "list": true, "memprofile": true,
	"memprofilerate": true, "mutexprofile": true, "mutexprofilefraction": true,
	"outputdir": true, "parallel": true, "run": true, "short": false, "shuffle": true,
	"skip": true, "timeout": true, "trace": true, "v": false,
}

// buildFlags are `go test` flags that belong to the build.
var buildFlags = map[string]bool{
	"tags": true, "gcflags": true, "ldflags": true, "asmflags": true,
	"trimpath": false, "mod": true, "cover": false, "covermode": true, "coverpkg": true,
}

// splitTestFlags sorts `go test` style flags into build flags and flags for
// the test binary, turning -run into -test.run as `go test` does. Flags it
// does not know go to the test binary unchanged, as `go test` passes them.
func splitTestFlags(args []string) (build, binary []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "--" {
			binary = append(binary, a)
			continue
		}
		takesValue, isTest := testFlags[name]
		takesBuildValue, isBuild := buildFlags[name]
		var next []string
		if (isTest && takesValue || isBuild && takesBuildValue) && !hasValue && i+1 < len(args) {
			next = []string{args[i+1]}
			i++
		}
		switch {
		case isTest:
			binary = append(binary, "-test."+strings.TrimLeft(a, "-"))
			binary = append(binary, next...)
		case isBuild:
			build = append(build, a)
			build = append(build, next...)
		default:
			binary = append(binary, a)
		}
	}
	return build, binary
}

// hasTestFlag reports whether binary flags set -test.NAME.
func hasTestFlag(binary []string, name string) bool {
	for _, a := range binary {
		if a == "-test."+name || strings.HasPrefix(a, "-test."+name+"=") {
			return true
		}
	}
	return false
}
