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
	if n, ok := cgroupLimit(cgroupMax); ok {
		limit = min(limit, n/10*8)
	}
	return limit
}

// oneShotMemoryLimit is the soft limit of a one-shot sync (`sync --now`), or 0 for none:
// 80% of the cgroup's memory limit when there is one (a CronJob's container), so that a
// large workbook is paid for in collections rather than by the OOM killer; else none,
// since the service's 1 GiB would cost a large workbook half as much CPU again (100k
// partners: 36 s instead of 24 s) where a machine's memory is there to be used.
// GOMEMLIMIT, when set, is the admin's choice.
func oneShotMemoryLimit(gomemlimit string, cgroupMax []byte) int64 {
	if n, ok := cgroupLimit(cgroupMax); ok && gomemlimit == "" {
		return n / 10 * 8
	}
	return 0
}

// cgroupLimit parses cgroup v2's memory.max ("max" when there is no limit).
func cgroupLimit(memoryMax []byte) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(string(memoryMax)), 10, 64)
	return n, err == nil && n > 0
}

// applyMemoryLimit sets the service's soft heap limit and returns it (0: GOMEMLIMIT's).
func applyMemoryLimit() int64 {
	return setMemoryLimit(memoryLimit)
}

// applyOneShotMemoryLimit sets a one-shot sync's soft heap limit and returns it (0: none,
// or GOMEMLIMIT's).
func applyOneShotMemoryLimit() int64 {
	return setMemoryLimit(oneShotMemoryLimit)
}

func setMemoryLimit(pick func(gomemlimit string, cgroupMax []byte) int64) int64 {
	cg, _ := os.ReadFile(cgroupMemoryMax) // absent outside cgroup v2: the default applies
	limit := pick(os.Getenv("GOMEMLIMIT"), cg)
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	return limit
}
