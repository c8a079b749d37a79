package memlimit

import (
	"bytes"
	"strings"
)

// Huge pages for a one-shot sync's heap.
//
// On the virtual machines partnermap runs on, the first touch of a page of new memory is
// dear: a one-shot sync of 100k partners touches 1 GiB in 4 KiB pages, some 270,000 page
// faults and 3 s of its 16 s of CPU. The kernel can back memory with 2 MiB pages instead,
// a 512th of the faults, but where transparent huge pages are set to "madvise" (the
// default of most distributions) only for memory a process asks for, and the Go runtime
// no longer asks for its heap (since Go 1.21.1, for long-running services whose resident
// memory grew). A one-shot sync lives for seconds, so it asks (reserveHugeHeap). The
// service does not: a huge page held for one live object would keep its idle memory up.

// hugePage is the size of a transparent huge page on the platforms partnermap ships for.
const hugePage = 2 << 20

// thpOnRequest reports whether the kernel's transparent huge pages setting (the contents of
// /sys/kernel/mm/transparent_hugepage/enabled, "always [madvise] never") backs memory with
// huge pages only where a process asks: with "always" it does so unasked, with "never" not
// at all.
func thpOnRequest(enabled []byte) bool {
	return bytes.Contains(enabled, []byte("[madvise]"))
}

// thpDisabled reports whether GODEBUG turns transparent huge pages off for the heap
// (disablethp=1): the admin's choice wins.
func thpDisabled(godebug string) bool {
	on := false
	for _, kv := range strings.Split(godebug, ",") {
		if name, value, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && name == "disablethp" {
			on = value == "1" // the last setting counts, as for the runtime
		}
	}
	return on
}

// hugeRange is the part of [start, start+size) made of whole huge pages, as offsets from
// start: [from, to), empty when there is none.
func hugeRange(start, size uintptr) (from, to uintptr) {
	beg := (start + hugePage - 1) &^ (hugePage - 1)
	end := (start + size) &^ (hugePage - 1)
	if end <= beg {
		return 0, 0
	}
	return beg - start, end - start
}
