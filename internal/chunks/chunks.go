// Package chunks cuts work on n items into contiguous chunks done side by side: the way
// decode, scoring and the themes use both cores while giving the result one pass gives.
package chunks

import (
	"runtime"
	"sync"
)

// Count is how many chunks n items are cut into: one per processor the program may use,
// each of at least least items, and at least one.
func Count(n, least int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n/max(least, 1)))
}

// Each calls fn(c, lo, hi) for the k contiguous chunks [lo, hi) of n items, chunk c holding
// [n*c/k, n*(c+1)/k): chunk 0 on the calling goroutine, each other on one of its own. It
// returns when every chunk is done.
func Each(n, k int, fn func(c, lo, hi int)) {
	k = max(k, 1)
	var wg sync.WaitGroup
	for c := 1; c < k; c++ {
		wg.Go(func() { fn(c, n*c/k, n*(c+1)/k) })
	}
	fn(0, 0, n/k)
	wg.Wait()
}

// AtMost calls fn(i) for each of n jobs, starting them in order, each on a goroutine of its
// own and at most k at once (at least one). It returns when every job is done.
func AtMost(n, k int, fn func(i int)) {
	turns := make(chan struct{}, max(k, 1))
	var wg sync.WaitGroup
	for i := range n {
		turns <- struct{}{}
		wg.Go(func() {
			defer func() { <-turns }()
			fn(i)
		})
	}
	wg.Wait()
}
