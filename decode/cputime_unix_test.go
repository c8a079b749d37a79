//go:build unix

package decode

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) this process has used, which other
// work on a shared machine inflates far less than wall time.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
