package memlimit

import (
	"math"
	"testing"
	"unsafe"
)

func TestTHPOnRequest(t *testing.T) {
	for _, tc := range []struct {
		enabled string
		want    bool
	}{
		{"always [madvise] never\n", true},
		{"[always] madvise never\n", false}, // the kernel does it unasked
		{"always madvise [never]\n", false},
		{"", false},
	} {
		if got := thpOnRequest([]byte(tc.enabled)); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.enabled, got, tc.want)
		}
	}
}

func TestTHPDisabled(t *testing.T) {
	for _, tc := range []struct {
		godebug string
		want    bool
	}{
		{"", false},
		{"disablethp=1", true},
		{"gctrace=1, disablethp=1", true},
		{"disablethp=1,disablethp=0", false},
		{"disablethp=0", false},
		{"madvdontneed=1", false},
	} {
		if got := thpDisabled(tc.godebug); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.godebug, got, tc.want)
		}
	}
}

func TestHugeRange(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name             string
		start, size      uintptr
		wantFrom, wantTo uintptr
	}{
		{"aligned", 64 * mib, 8 * mib, 0, 8 * mib},
		{"starts a page in", 64*mib + 8192, 8 * mib, 2*mib - 8192, 8*mib - 8192},
		{"less than one whole huge page", 64*mib + 8192, 3 * mib, 0, 0},
		{"exactly one across a boundary", 63 * mib, 4 * mib, mib, 3 * mib},
	} {
		from, to := hugeRange(tc.start, tc.size)
		if from != tc.wantFrom || to != tc.wantTo {
			t.Errorf("%s: [%d, %d), want [%d, %d)", tc.name, from, to, tc.wantFrom, tc.wantTo)
		}
		if from < to && ((tc.start+from)%hugePage != 0 || (tc.start+to)%hugePage != 0 || to > tc.size) {
			t.Errorf("%s: [%d, %d) is not whole huge pages inside the block", tc.name, from, to)
		}
	}
}

func TestHugeHeapSize(t *testing.T) {
	for _, tc := range []struct {
		limit, want int64
	}{
		{math.MaxInt64, Default}, // GOMEMLIMIT=off
		{512 << 20, 512 << 20},   // a container's 80%
		{Default, Default},
		{64 << 30, 4 * Default},
	} {
		if got := hugeHeapSize(tc.limit); got != tc.want {
			t.Errorf("limit %d: %d, want %d", tc.limit, got, tc.want)
		}
	}
}

func TestTouchPagesWritesTheZeroValueAPageApart(t *testing.T) {
	type rec struct {
		a, b int64
		s    string
	}
	s := make([]rec, 1000)
	for i := range s {
		s[i] = rec{1, 1, "x"}
	}
	TouchPages(s)
	perPage := 4096 / int(unsafe.Sizeof(rec{}))
	for i, r := range s {
		if touched := r == (rec{}); touched != (i%perPage == 0) {
			t.Fatalf("element %d: touched %v, want every %dth", i, touched, perPage)
		}
	}
}
