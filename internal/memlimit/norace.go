//go:build !race

package memlimit

// raceEnabled: built without the race detector.
const raceEnabled = false
