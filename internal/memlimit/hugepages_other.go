//go:build !linux

package memlimit

// reserveHugeHeap does nothing outside Linux, whose transparent huge pages it asks for.
func reserveHugeHeap(int64) bool { return false }
