//go:build race

package memlimit

// raceEnabled: built with the race detector, which shadows every byte of address space
// the heap maps.
const raceEnabled = true
