package sync

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/notify"
)

// fakeNotify records when the service sent digests and answers with fixed counts.
type fakeNotify struct {
	calls chan time.Time
	rep   *NotifyReport
	err   error
}

// notify answers for the harness sent on ready: a digest job that runs at start (a missed
// run caught up) may start before startService returns, so it waits for the harness there
// instead of reading a variable the test goroutine is still writing.
func (f *fakeNotify) notify(ready chan *harness) NotifyFunc {
	return func(ctx context.Context, cfg config.Config, src config.Source) (*NotifyReport, error) {
		h := <-ready
		ready <- h // for the next call
		f.calls <- h.clock.Now()
		return f.rep, f.err
	}
}

func digestConfig(t *testing.T) config.Config {
	cfg := serviceConfig(t, "@every 24h", "north")
	cfg.Timezone = "UTC"
	cfg.Notify.Enabled = true
	cfg.Notify.Schedule = "0 8 * * 1"
	cfg.Notify.SMTP.Host = "127.0.0.1"
	return cfg
}

func startDigestService(t *testing.T, start time.Time, f *fakeNotify) *harness {
	ready := make(chan *harness, 1)
	m := NewMetrics()
	h := startService(t, digestConfig(t), start, ServiceOptions{Metrics: m, Notify: f.notify(ready)})
	ready <- h
	h.fake.next(t).ok() // the sync at start
	return h
}

func (f *fakeNotify) next(t *testing.T) time.Time {
	t.Helper()
	select {
	case at := <-f.calls:
		return at
	case <-time.After(waitLimit):
		t.Fatal("the service sent no digests")
	}
	return time.Time{}
}

func (f *fakeNotify) none(t *testing.T) {
	t.Helper()
	select {
	case at := <-f.calls:
		t.Fatalf("digests sent at %s", at)
	case <-time.After(100 * time.Millisecond):
	}
}

// Started on a Sunday evening, the service sends nothing until Monday 08:00, then sends.
func TestDigestsOnSchedule(t *testing.T) {
	f := &fakeNotify{calls: make(chan time.Time, 10), rep: &NotifyReport{Outcome: notify.Outcome{Sent: 3, Failed: 1}}}
	sunday := time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)
	h := startDigestService(t, sunday, f)
	f.none(t)
	h.waiters(2) // the sync's next run and the digests'
	h.clock.Advance(12 * time.Hour)
	if at := f.next(t); !at.Equal(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("digests sent at %s, want Monday 08:00", at)
	}
	waitFor(t, func() bool {
		return testutil.ToFloat64(h.svc.opts.Metrics.digests.WithLabelValues("north", "sent")) == 3 &&
			testutil.ToFloat64(h.svc.opts.Metrics.digests.WithLabelValues("north", "failed")) == 1
	})
}

// Started on Monday after 08:00 (it was down at 08:00), it sends at once: the record keeps
// that from repeating anything already sent.
func TestDigestsCatchUpAfterMissedRun(t *testing.T) {
	f := &fakeNotify{calls: make(chan time.Time, 10), err: errors.New("no such workbook")}
	h := startDigestService(t, t0, f)
	if at := f.next(t); !at.Equal(t0) {
		t.Errorf("digests sent at %s, want at start", at)
	}
	waitFor(t, func() bool {
		return testutil.ToFloat64(h.svc.opts.Metrics.digests.WithLabelValues("north", "failed")) == 1
	})
}

func TestMissedThisWeek(t *testing.T) {
	sc, err := parseSchedule("0 8 * * 1", "America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	chicago, _ := time.LoadLocation("America/Chicago")
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 3, 2, 7, 59, 0, 0, chicago), false}, // Monday before 08:00
		{time.Date(2026, 3, 2, 8, 0, 0, 0, chicago), true},
		{time.Date(2026, 3, 3, 7, 59, 0, 0, chicago), true},    // Tuesday, within a day
		{time.Date(2026, 3, 4, 12, 0, 0, 0, chicago), false},   // Wednesday: too late, wait for next Monday
		{time.Date(2026, 3, 8, 23, 0, 0, 0, chicago), false},   // Sunday night
		{time.Date(2026, 3, 2, 13, 30, 0, 0, time.UTC), false}, // 07:30 in Chicago
	} {
		if got := missedThisWeek(sc, c.now, "America/Chicago"); got != c.want {
			t.Errorf("%s: %v, want %v", c.now, got, c.want)
		}
	}
}

// waitFor polls cond (metrics are updated by the service's goroutine).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
