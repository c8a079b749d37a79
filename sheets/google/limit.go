package google

import (
	"time"

	"golang.org/x/time/rate"
)

// QuotaWindow is the window of the per-user quota: 60 requests per minute per service
// account (shared/GOOGLE.md).
const QuotaWindow = time.Minute

// limiterBurst lets a lone changed sync send its read and its write at once.
const limiterBurst = 2

// NewLimiter returns a limiter that lets through at most n requests in any window of length
// per, so the process never goes over a quota of n per per, however its window is placed.
//
// A token bucket of rate r and burst b admits b + r·per requests in a window of length per, so
// the limiter of earlier versions (n per minute plus a burst of n/10) allowed 66 requests in a
// minute under a quota of 60. Here the burst is 2 and the rate (n−2)/per: a window that opens
// on a full bucket holds the 2 and n−2 more, the last of them exactly at its end, and one more
// request would come a whole spacing (per/(n−2), about a second) later, so the quota holds
// even when the network delays one request by almost a second more than the next. The cost
// is two requests per window (58 a minute instead of 60) when the limiter is saturated.
// Pass per shorter than QuotaWindow only to compress time in a benchmark.
func NewLimiter(n int, per time.Duration) *rate.Limiter {
	switch {
	case n <= 1:
		return rate.NewLimiter(rate.Every(2*per), 1) // a spacing above the window, for the same margin
	case n <= limiterBurst:
		return rate.NewLimiter(rate.Every(per), n-1)
	}
	return rate.NewLimiter(rate.Every(per/time.Duration(n-limiterBurst)), limiterBurst)
}
