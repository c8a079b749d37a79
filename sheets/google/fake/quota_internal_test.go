package fake

import (
	"testing"
	"time"
)

// TestQuotaCountsCallsByArrivalEvenOutOfOrder: calls reach the quota check in the order they
// get the server's lock, which is not always the order they arrived in; a call is refused
// when any window holding its arrival would hold more than n.
func TestQuotaCountsCallsByArrivalEvenOutOfOrder(t *testing.T) {
	s := &Server{}
	s.quota = quota{n: 3, per: 10 * time.Second}
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	at := func(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }
	for _, c := range []struct {
		sec     float64
		refused bool
	}{
		{0, false}, {1, false}, {2, false},
		{-5, true},   // [-5, 5] would hold four
		{-11, false}, // alone in [-11, -1]
		{9, true},    // [0, 10] would hold four
		{10.5, false},
		{12.5, false}, // [2.5, 12.5] holds 10.5 and itself
	} {
		if got := s.overQuota(at(c.sec)); got != c.refused {
			t.Errorf("call at %+.1fs: refused %v, want %v", c.sec, got, c.refused)
		}
	}
}
