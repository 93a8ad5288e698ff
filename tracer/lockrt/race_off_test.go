//go:build !race

package lockrt

const raceEnabled = false
