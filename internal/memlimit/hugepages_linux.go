package memlimit

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
	"unsafe"
)

// reserveHugeHeap asks the kernel to back the next size bytes of heap with transparent
// huge pages, and reports whether it did. It allocates them as one untouched block, marks
// its whole huge pages MADV_HUGEPAGE and frees it: the runtime hands out its lowest free
// pages first, so the sync's own allocations land there, and the mark stays with the
// address range when the runtime returns the pages to the kernel and takes them back.
// Nothing is touched, so nothing is resident until the sync uses it. It does nothing where
// the kernel would not heed the mark, where GODEBUG=disablethp=1, or under strict
// overcommit accounting (vm.overcommit_memory=2), which would charge the whole block.
func reserveHugeHeap(size int64) bool {
	if size < 2*hugePage || thpDisabled(os.Getenv("GODEBUG")) {
		return false
	}
	enabled, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !thpOnRequest(enabled) {
		return false
	}
	if mode, err := os.ReadFile("/proc/sys/vm/overcommit_memory"); err != nil || string(bytes.TrimSpace(mode)) == "2" {
		return false
	}
	block := make([]byte, size) // fresh from the kernel: the runtime does not clear it
	from, to := hugeRange(uintptr(unsafe.Pointer(unsafe.SliceData(block))), uintptr(size))
	ok := from < to && syscall.Madvise(block[from:to], syscall.MADV_HUGEPAGE) == nil
	runtime.KeepAlive(block)
	debug.FreeOSMemory() // free the block now, and return its pages until they are used
	return ok
}
