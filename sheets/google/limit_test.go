package google_test

import (
	"testing"
	"time"

	"github.com/partnermap/partnermap/sheets/google"
)

// TestLimiterNeverExceedsTheQuotaInAnyWindow drives the limiter flat out on a clock of its
// own (one attempt every millisecond for five windows) and counts the requests it lets
// through in every window of the quota's length, wherever the window starts: never more
// than n, while the throughput stays within two requests of n per window.
func TestLimiterNeverExceedsTheQuotaInAnyWindow(t *testing.T) {
	for _, n := range []int{1, 2, 6, 60, 300} {
		per := time.Minute
		lim := google.NewLimiter(n, per)
		start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		var admitted []time.Time
		step := time.Millisecond
		if n > 60 {
			step = 100 * time.Microsecond
		}
		for at := start; at.Before(start.Add(5 * per)); at = at.Add(step) {
			if lim.AllowN(at, 1) {
				admitted = append(admitted, at)
			}
		}
		most, lo := 0, 0
		for hi := range admitted {
			// The closed window [admitted[hi]-per, admitted[hi]]: the strictest reading.
			for admitted[hi].Sub(admitted[lo]) > per {
				lo++
			}
			most = max(most, hi-lo+1)
		}
		if most > n {
			t.Errorf("n=%d: %d requests in one window of %s", n, most, per)
		}
		if perWindow := float64(len(admitted)) / 5; n > 1 && perWindow < float64(n-2) {
			t.Errorf("n=%d: only %.1f requests per window when driven flat out", n, perWindow)
		}
	}
}
