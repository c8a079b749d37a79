package fake

import (
	"slices"
	"time"
)

// quota is the per-user rate limit the server enforces when SetQuota is called.
type quota struct {
	n        int
	per      time.Duration
	accepted []time.Time // arrivals of the calls let through lately, in order
}

// SetQuota makes the server refuse, as the real API does past the per-user quota (60 a
// minute per service account), any call that would make more than n calls in a window of
// length per: it answers 429 RESOURCE_EXHAUSTED with reason RATE_LIMIT_EXCEEDED and applies
// nothing. The window is the strictest reading, any per-long stretch of time with both ends
// counted; all spreadsheets count together (one caller); refused calls do not count. Such a
// call is recorded with Status 429 and Injected false. n <= 0 turns the quota off.
func (s *Server) SetQuota(n int, per time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quota = quota{n: n, per: per}
}

// overQuota reports whether a call that arrived at now is refused, and counts it if not.
// Calls are handled in the order they get the lock, which is not quite the order they
// arrived, so the call is refused when any window holding it would hold more than n. The
// caller holds s.mu.
func (s *Server) overQuota(now time.Time) bool {
	q := &s.quota
	if q.n <= 0 {
		return false
	}
	drop := 0
	for drop < len(q.accepted) && now.Sub(q.accepted[drop]) > 2*q.per {
		drop++
	}
	q.accepted = q.accepted[drop:]
	at, _ := slices.BinarySearchFunc(q.accepted, now, time.Time.Compare)
	with := slices.Insert(slices.Clone(q.accepted), at, now)
	lo := 0
	for hi := at; hi < len(with) && with[hi].Sub(now) <= q.per; hi++ {
		for with[hi].Sub(with[lo]) > q.per {
			lo++
		}
		if lo <= at && hi-lo+1 > q.n {
			return true
		}
	}
	q.accepted = with
	return false
}
