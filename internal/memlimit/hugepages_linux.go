package memlimit

import (
	"bytes"
	"cmp"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"syscall"
	"unsafe"
)

// reserveHugeHeap asks the kernel to back the next size bytes of heap with transparent
// huge pages, and reports whether it did. It allocates them untouched, marks their whole
// huge pages MADV_HUGEPAGE and frees them: the runtime hands out its lowest free pages
// first, so the sync's own allocations land there, and the mark stays with the address
// range when the runtime returns the pages to the kernel and takes them back. Nothing is
// touched, so nothing is resident until the sync uses it. It does nothing where the kernel
// would not heed the mark, where GODEBUG=disablethp=1, under strict overcommit accounting
// (vm.overcommit_memory=2), which would charge all of it, or under a cap on address space.
//
// The memory is taken in pieces of reservePiece, not as one block: the runtime clears an
// allocation that reaches into memory it has used before (a block starting in a hole the
// start-up left), and one block of a gigabyte would then be written through, 4 KiB at a
// time (a 60 ms unchanged sync took 4 s and 1 GiB, now and then); a piece that does costs a few ms.
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
	// Under a cap on address space (ulimit -v, systemd's LimitAS=) the reservation could
	// be what the runtime cannot map, and that is fatal, not an error.
	var as syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &as); err != nil || as.Cur != rlimInfinity {
		return false
	}
	if raceEnabled {
		// The race detector shadows the whole block: 1.3 s and 500 MiB resident for each
		// test binary that runs a one-shot command.
		return false
	}
	pieces := make([][]byte, 0, size/reservePiece+1)
	for left := size; left > 0; left -= reservePiece {
		pieces = append(pieces, make([]byte, min(left, reservePiece)))
	}
	ok := true
	for _, r := range runs(pieces) {
		from, to := hugeRange(r.start, r.size)
		if from < to {
			_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, r.start+from, to-from, syscall.MADV_HUGEPAGE)
			ok = ok && errno == 0
		}
	}
	runtime.KeepAlive(pieces)
	debug.FreeOSMemory() // free the pieces now, and return their pages until they are used
	return ok
}

// rlimInfinity is RLIM_INFINITY, no limit.
const rlimInfinity = ^uint64(0)

// reservePiece is the size of the pieces reserveHugeHeap takes: at worst a few of
// them are cleared by the runtime.
const reservePiece = 4 << 20

// span is a stretch of memory, by address.
type span struct{ start, size uintptr }

// runs are the stretches of memory the pieces make, pieces that follow one another in
// memory (as the runtime mostly hands them out) made one stretch.
func runs(pieces [][]byte) []span {
	spans := make([]span, 0, len(pieces))
	for _, p := range pieces {
		spans = append(spans, span{uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p))})
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 && out[n-1].start+out[n-1].size == s.start {
			out[n-1].size += s.size
			continue
		}
		out = append(out, s)
	}
	return out
}
