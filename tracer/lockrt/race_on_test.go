//go:build race

package lockrt

const raceEnabled = true
