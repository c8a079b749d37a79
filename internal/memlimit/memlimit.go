// Package memlimit sets partnermap's soft heap limit: the memory budget of a sync
// (RELIABILITY.md), the same for the service and for a one-shot `sync --now`.
package memlimit

import (
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
)

// Default is the soft heap limit when GOMEMLIMIT is not set. Near it the Go runtime
// collects garbage harder instead of growing, so a burst (a large workbook, a reload) is
// paid in CPU rather than by the kernel's OOM killer.
const Default int64 = 1 << 30

// cgroupMemoryMax is where cgroup v2 puts the container's or unit's memory limit.
const cgroupMemoryMax = "/sys/fs/cgroup/memory.max"

// Pick is the soft limit to set, or 0 to leave the runtime's own: GOMEMLIMIT, when set
// (even to "off"), is the admin's choice; else Default, or 80% of the cgroup's memory limit
// when that is lower (MemoryMax=, a Kubernetes limit), to leave room for what is not heap.
func Pick(gomemlimit string, cgroupMax []byte) int64 {
	if gomemlimit != "" {
		return 0
	}
	limit := Default
	if n, ok := cgroupLimit(cgroupMax); ok {
		limit = min(limit, n/10*8)
	}
	return limit
}

// cgroupLimit parses cgroup v2's memory.max ("max" when there is no limit).
func cgroupLimit(memoryMax []byte) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(string(memoryMax)), 10, 64)
	return n, err == nil && n > 0
}

// oneShotGCPercent is a one-shot sync's GOGC. Under a soft limit the limit, not GOGC, bounds
// the peak, so a run that starts empty and ends in a minute can collect half as often on
// its way up (100k partners: 0.4 s of a 10 s sync). The service keeps the default: its idle
// heap is what an admin watches.
const oneShotGCPercent = 200

// ApplyOneShot is Apply for a one-shot command (`sync --now`, `brief`, `render`), which also
// collects less often below the limit (oneShotGCPercent) unless GOGC is set, or no limit is.
func ApplyOneShot() int64 {
	limit := Apply()
	if limit > 0 && os.Getenv("GOGC") == "" {
		debug.SetGCPercent(oneShotGCPercent)
	}
	return limit
}

// HugePages has a one-shot command's heap, up to the soft limit in effect, backed by huge
// pages where the kernel does that on request (hugepages.go), once a process. It is for a
// local workbook's full read, which holds every input cell at once; a Google read's heap is
// a few hundred MiB, where it saved no measurable CPU and pages held whole can only add
// resident memory, and a sync found unchanged from its memo needs none (the reservation
// is a fifth of its 0.13 s).
func HugePages() {
	hugeHeapOnce.Do(func() { reserveHugeHeap(hugeHeapSize(debug.SetMemoryLimit(-1))) })
}

// hugeHeapOnce: the huge pages are asked for once a process, like the runtime's own
// settings; a test binary that runs `sync --now` a hundred times would otherwise collect
// and hand back its heap a hundred times (9 s of cmd/partnermap's tests).
var hugeHeapOnce sync.Once

// hugeHeapSize is how much of a one-shot sync's heap to back with huge pages: as much as
// the soft limit in effect lets it grow to, and Default without one; at most four times
// Default, past which a sync is beyond what partnermap is built for (RELIABILITY.md) and
// the reservation would only be address space.
func hugeHeapSize(limit int64) int64 {
	if limit <= 0 || limit == math.MaxInt64 {
		return Default
	}
	return min(limit, 4*Default)
}

// Apply sets the soft heap limit Pick gives for this process's environment and returns it
// (0: GOMEMLIMIT's, left to the runtime).
func Apply() int64 {
	cg, _ := os.ReadFile(cgroupMemoryMax) // absent outside cgroup v2: the default applies
	limit := Pick(os.Getenv("GOMEMLIMIT"), cg)
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	return limit
}
