package main

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// defaultMemoryLimit is the service's soft heap limit when GOMEMLIMIT is not set: the
// memory budget of a sync (RELIABILITY.md). Near it the Go runtime collects garbage
// harder instead of growing, so a burst (a large workbook, a reload) is paid in CPU rather
// than by the kernel's OOM killer ending the service.
const defaultMemoryLimit int64 = 1 << 30

// cgroupMemoryMax is where cgroup v2 puts the container's or unit's memory limit.
const cgroupMemoryMax = "/sys/fs/cgroup/memory.max"

// memoryLimit is the soft limit to set, or 0 to leave the runtime's own: GOMEMLIMIT, when
// set, is the admin's choice; else defaultMemoryLimit, or 80% of the cgroup's memory
// limit when that is lower (MemoryMax=, a Kubernetes limit), to leave room for what is
// not heap.
func memoryLimit(gomemlimit string, cgroupMax []byte) int64 {
	if gomemlimit != "" {
		return 0
	}
	limit := defaultMemoryLimit
	if n, err := strconv.ParseInt(strings.TrimSpace(string(cgroupMax)), 10, 64); err == nil && n > 0 {
		limit = min(limit, n/10*8)
	}
	return limit
}

// applyMemoryLimit sets the service's soft heap limit and returns it (0: GOMEMLIMIT's).
func applyMemoryLimit() int64 {
	cg, _ := os.ReadFile(cgroupMemoryMax) // absent outside cgroup v2: the default applies
	limit := memoryLimit(os.Getenv("GOMEMLIMIT"), cg)
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	return limit
}
