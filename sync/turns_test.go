package sync

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
)

// TestAtMostMaxSyncsRunAndTheOthersGoInTheOrderTheyCame: with one place, four sources that
// become due a minute apart while a long sync holds it run one at a time, in the order they
// became due, and every source syncs as often as the others.
func TestAtMostMaxSyncsRunAndTheOthersGoInTheOrderTheyCame(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e"}
	h := startService(t, serviceConfig(t, "@every 15m", names...), t0, ServiceOptions{MaxSyncs: 1})
	// At start all five are due at once: one syncs, four get in line, and they follow in
	// the order they got in line. Each sync takes a minute, so they end a minute apart.
	var first []string
	for i := range names {
		c := h.fake.next(t)
		if i == 0 {
			for range len(names) - 1 {
				first = append(first, h.nextQueued())
			}
		}
		if i > 0 && c.src != first[i-1] {
			t.Fatalf("sync %d at start was %s, want %s (the order they got in line: %v)", i+1, c.src, first[i-1], first)
		}
		h.advance(time.Minute)
		c.ok()
		h.settle()
		// The run's end is in gocron's books (its next run is set) before the clock moves on.
		h.waiters(i + 1)
	}
	order := append([]string{}, first...)
	// The one that synced first is the one not in line.
	for _, n := range names {
		if !slices.Contains(order, n) {
			order = slices.Insert(order, 0, n)
		}
	}
	// Each is due again 15 minutes after its sync ended: t0+16m, +17m, ... The first takes
	// ten minutes, so the others come due while it runs and must wait, in their order.
	h.waiters(len(names))
	h.advanceTo(t0.Add(16 * time.Minute))
	long := h.fake.next(t)
	if long.src != order[0] {
		t.Fatalf("the first sync of round two was %s, want %s", long.src, order[0])
	}
	for i, want := range order[1:] {
		h.advanceTo(t0.Add(time.Duration(17+i) * time.Minute))
		if got := h.nextQueued(); got != want {
			t.Fatalf("%s got in line at t0+%dm, want %s", got, 17+i, want)
		}
	}
	h.advanceTo(t0.Add(26 * time.Minute))
	long.ok()
	h.settle()
	for _, want := range order[1:] {
		c := h.fake.next(t)
		if c.src != want {
			t.Errorf("after the long sync, %s synced; want %s (the first in line)", c.src, want)
		}
		c.ok()
		h.settle()
	}
	h.fake.mu.Lock()
	most := h.fake.maxAll
	h.fake.mu.Unlock()
	if most != 1 {
		t.Errorf("%d syncs ran at once with MaxSyncs 1", most)
	}
}

// TestAStopEmptiesTheLine: syncs waiting for their turn when the service stops start no sync.
func TestAStopEmptiesTheLine(t *testing.T) {
	h := startService(t, serviceConfig(t, "@every 15m", "a", "b", "c"), t0, ServiceOptions{MaxSyncs: 1})
	running := h.fake.next(t)
	h.nextQueued()
	h.nextQueued()
	h.cancel()
	// The two in line leave it once the stop has begun; only then does the running sync end
	// (had it ended first, the next in line would rightly have synced before the stop).
	h.settle()
	h.settle()
	running.ok()
	if err := h.stopped(); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-h.fake.calls:
		t.Errorf("%s synced after the stop", c.src)
	default:
	}
}

// TestATurnHandedOverAtTheStopIsPassedOn: a sync that is handed its turn just as it gives up
// waiting must not keep it, or the line behind it would wait forever.
func TestATurnHandedOverAtTheStopIsPassedOn(t *testing.T) {
	tr := newTurns(1)
	if !tr.take(nil, nil) {
		t.Fatal("the first take waited")
	}
	stop := make(chan struct{})
	inLine := make(chan struct{})
	gave := make(chan bool)
	go func() { gave <- tr.take(stop, func(int) { close(inLine) }) }()
	<-inLine
	// Hand the turn over and stop at once: take may see either; both must end well.
	tr.give()
	close(stop)
	got := <-gave
	if got {
		tr.give()
	}
	done := make(chan bool)
	go func() { done <- tr.take(nil, nil) }()
	select {
	case <-done:
	case <-time.After(waitLimit):
		t.Fatal("the turn was lost: a later sync waits forever")
	}
}

// nextQueued waits for a source to get in line for its turn.
func (h *harness) nextQueued() string {
	h.t.Helper()
	select {
	case l := <-h.queued:
		return l
	case <-time.After(waitLimit):
		h.t.Fatal("no sync got in line for its turn")
	}
	return ""
}

// TestMemoryIsHandedBackOnceTheSyncsPause: syncs that follow one another closely do not
// each hand memory back to the OS (the next sync would only fault it back in); once none
// has run for the quiet time, it is handed back once.
func TestMemoryIsHandedBackOnceTheSyncsPause(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e", "f"}
	cfg := serviceConfig(t, "@every 15m", names...)
	clock := clockwork.NewFakeClockAt(t0)
	fs := newFakeSync(clock)
	svc, err := NewService(cfg, ServiceOptions{Run: fs.run, Clock: clock, Jitter: noJitter, MaxSyncs: 1, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan time.Time, 100)
	svc.release = func() { released <- time.Now() }
	svc.releaseQuiet = time.Second // far longer than the gap between two syncs answered at once
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	defer func() { cancel(); <-done }()
	// Six syncs one after another, each answered at once: far closer than the quiet time.
	for range names {
		fs.next(t).ok()
	}
	lastEnd := time.Now()
	var got []time.Time
	timeout := time.After(waitLimit)
	for len(got) == 0 {
		select {
		case at := <-released:
			got = append(got, at)
		case <-timeout:
			t.Fatal("memory was never handed back after the syncs ended")
		}
	}
	// Another quiet time: no second release without another sync.
	select {
	case at := <-released:
		got = append(got, at)
	case <-time.After(3 * svc.releaseQuiet):
	}
	if len(got) != 1 {
		t.Errorf("memory handed back %d times after six syncs in a row, want once", len(got))
	}
	if got[0].Before(lastEnd) {
		t.Errorf("memory handed back while the syncs were still going")
	}
}

// TestMetricsCountTheSyncsWaitingForTheirTurn: partnermap_syncs_waiting shows the line.
func TestMetricsCountTheSyncsWaitingForTheirTurn(t *testing.T) {
	m := NewMetrics()
	h := startService(t, serviceConfig(t, "@every 15m", "a", "b", "c"), t0, ServiceOptions{MaxSyncs: 1, Metrics: m})
	running := h.fake.next(t)
	h.nextQueued()
	h.nextQueued()
	if got := testutil.ToFloat64(m.waiting); got != 2 {
		t.Errorf("partnermap_syncs_waiting = %v with one sync running and two in line, want 2", got)
	}
	running.ok()
	h.settle()
	h.fake.next(t).ok()
	h.settle()
	h.fake.next(t).ok()
	h.settle()
	if got := testutil.ToFloat64(m.waiting); got != 0 {
		t.Errorf("partnermap_syncs_waiting = %v once all have synced, want 0", got)
	}
}
