package chunks

import (
	"sync"
	"testing"
)

func TestEachCoversEveryItemOnceInContiguousChunks(t *testing.T) {
	for _, tc := range []struct{ n, k int }{{0, 1}, {1, 1}, {10, 3}, {7, 7}, {100, 4}, {5, 0}} {
		seen := make([]int, tc.n)
		var mu sync.Mutex
		var bounds [][2]int
		Each(tc.n, tc.k, func(c, lo, hi int) {
			mu.Lock()
			defer mu.Unlock()
			bounds = append(bounds, [2]int{lo, hi})
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, s := range seen {
			if s != 1 {
				t.Errorf("n %d k %d: item %d done %d times", tc.n, tc.k, i, s)
			}
		}
		if want := max(tc.k, 1); len(bounds) != want {
			t.Errorf("n %d k %d: %d chunks, want %d", tc.n, tc.k, len(bounds), want)
		}
	}
}

func TestCount(t *testing.T) {
	if got := Count(10, 4096); got != 1 {
		t.Errorf("10 items: %d chunks, want 1", got)
	}
	if got := Count(1<<30, 4096); got < 1 {
		t.Errorf("many items: %d chunks", got)
	}
}
