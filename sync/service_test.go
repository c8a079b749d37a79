package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// waitLimit bounds every wait on the service's goroutines, so a broken service fails the
// test instead of hanging it. Nothing here sleeps: time moves only through the fake clock.
const waitLimit = 10 * time.Second

// call is one sync the service asked the fake for; the test answers it.
type call struct {
	src   string
	tabs  config.Tabs // the source's input tab names, as the service passed them
	at    time.Time
	ctx   context.Context
	reply chan outcome
}

type outcome struct {
	rep *Report
	err error
}

// ok answers the call with a successful sync that read 3 partners and found one warning.
func (c call) ok() {
	c.reply <- outcome{rep: &Report{
		Rows:    []render.TabRows{{Tab: "Partners", Rows: 3}, {Tab: "Meetings", Rows: 5}},
		Issues:  []scoring.Issue{{Severity: scoring.SevWarning}, {Severity: scoring.SevError}},
		Written: true,
	}}
}

func (c call) fail(err error) { c.reply <- outcome{err: err} }

// fakeSync stands in for a spreadsheet: each sync blocks until the test answers it, so the
// test decides how long a sync takes on the fake clock.
type fakeSync struct {
	clock *clockwork.FakeClock
	calls chan call

	mu                  gosync.Mutex
	running, maxRunning map[string]int
	all, maxAll         int // syncs of every source running at once, and the most seen
}

func newFakeSync(clock *clockwork.FakeClock) *fakeSync {
	return &fakeSync{clock: clock, calls: make(chan call), running: map[string]int{}, maxRunning: map[string]int{}}
}

func (f *fakeSync) run(ctx context.Context, _ config.Config, src config.Source) (*Report, error) {
	label := src.Label()
	f.mu.Lock()
	f.running[label]++
	f.maxRunning[label] = max(f.maxRunning[label], f.running[label])
	f.all++
	f.maxAll = max(f.maxAll, f.all)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running[label]--
		f.all--
		f.mu.Unlock()
	}()
	c := call{src: label, tabs: src.Tabs, at: f.clock.Now(), ctx: ctx, reply: make(chan outcome)}
	select {
	case f.calls <- c:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case o := <-c.reply:
		return o.rep, o.err
	case <-ctx.Done():
		return nil, fmt.Errorf("read %s: %w", label, ctx.Err())
	}
}

func (f *fakeSync) most(label string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxRunning[label]
}

// next waits for the service to start a sync.
func (f *fakeSync) next(t *testing.T) call {
	t.Helper()
	select {
	case c := <-f.calls:
		return c
	case <-time.After(waitLimit):
		t.Fatal("the service started no sync")
	}
	return call{}
}

// harness runs a Service on a fake clock with a fake sync.
type harness struct {
	t      *testing.T
	clock  *clockwork.FakeClock
	fake   *fakeSync
	svc    *Service
	logs   *syncBuffer
	idle   chan string
	queued chan string // sources in line for their turn, in the order they got in line
	cancel context.CancelFunc
	done   chan error
}

// syncBuffer is a log sink safe for the service's goroutines.
type syncBuffer struct {
	mu  gosync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the decoded JSON log lines whose message is msg.
func (b *syncBuffer) lines(msg string) []map[string]any {
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["message"] == msg {
			out = append(out, m)
		}
	}
	return out
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

func serviceConfig(t *testing.T, schedule string, names ...string) config.Config {
	cfg := config.Default()
	cfg.Schedule = schedule
	cfg.StateDir = t.TempDir()
	cfg.SyncTimeout = time.Minute
	for _, n := range names {
		cfg.Sources = append(cfg.Sources, config.Source{Name: n, XLSX: n + ".xlsx"})
	}
	return cfg
}

func noJitter(time.Duration) time.Duration { return 0 }

func startService(t *testing.T, cfg config.Config, start time.Time, opts ServiceOptions) *harness {
	t.Helper()
	h := &harness{t: t, clock: clockwork.NewFakeClockAt(start), logs: &syncBuffer{}, done: make(chan error, 1)}
	h.fake = newFakeSync(h.clock)
	opts.Run = h.fake.run
	opts.Clock = h.clock
	opts.Logger = zerolog.New(h.logs)
	if opts.Jitter == nil {
		opts.Jitter = noJitter
	}
	svc, err := NewService(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	h.svc = svc
	h.idle = make(chan string, 1000)
	svc.idle = func(label string) { h.idle <- label }
	h.queued = make(chan string, 1000)
	svc.queued = func(label string) { h.queued <- label }
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		// Answer whatever is still running, so the service can stop.
		for {
			select {
			case c := <-h.fake.calls:
				c.fail(errors.New("test over"))
			case <-h.done:
				return
			case <-time.After(waitLimit):
				t.Error("the service did not stop")
				return
			}
		}
	})
	return h
}

// waiters blocks until the fake clock has n pending timers: the schedule is set.
func (h *harness) waiters(n int) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := h.clock.BlockUntilContext(ctx, n); err != nil {
		h.t.Fatalf("the service never had %d timers pending", n)
	}
}

// settle waits until a run of a job has ended (synced or skipped) and its source is free.
func (h *harness) settle() {
	h.t.Helper()
	select {
	case <-h.idle:
	case <-time.After(waitLimit):
		h.t.Fatal("the sync never ended")
	}
}

// advance moves the fake clock on once gocron has caught up: its scheduler goroutine handles
// a finished run's bookkeeping (which reads the clock) while the run goes on, so a request
// answered by that goroutine first makes sure the bookkeeping saw the time of the run.
func (h *harness) advance(d time.Duration) {
	_ = h.svc.sched.Jobs()
	h.clock.Advance(d)
}

// advanceTo moves the fake clock to at.
func (h *harness) advanceTo(at time.Time) {
	h.advance(at.Sub(h.clock.Now()))
}

// stopped waits for Run to return.
func (h *harness) stopped() error {
	h.t.Helper()
	select {
	case err := <-h.done:
		h.done <- err // for the cleanup
		return err
	case <-time.After(waitLimit):
		h.t.Fatal("Run did not return")
	}
	return nil
}

func TestScheduledSyncsRunAtTheRightTimes(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skip("no time zone database")
	}
	at := func(h, m int) time.Time { return time.Date(2026, 3, 2, h, m, 0, 0, chicago) }
	tests := []struct {
		name     string
		schedule string
		timezone string
		start    time.Time
		took     time.Duration
		want     []time.Time
	}{
		{
			name: "@every counts from the end of the last sync", schedule: "@every 15m",
			start: at(9, 0), took: 2 * time.Minute,
			want: []time.Time{at(9, 0), at(9, 17), at(9, 34)},
		},
		{
			name: "a cron expression runs on its minutes in the configured time zone", schedule: "*/20 * * * *",
			timezone: "America/Chicago", start: at(9, 5), took: time.Minute,
			want: []time.Time{at(9, 5), at(9, 20), at(9, 40), at(10, 0)},
		},
		{
			name: "CRON_TZ in the expression wins over timezone", schedule: "CRON_TZ=Europe/Paris 0 17 * * *",
			timezone: "America/Chicago", start: at(9, 0), took: time.Minute,
			// 17:00 in Paris is 10:00 in Chicago on these days.
			want: []time.Time{at(9, 0), at(10, 0), at(10, 0).AddDate(0, 0, 1)},
		},
		{
			name: "a descriptor like @hourly is a schedule too", schedule: "@hourly",
			start: at(9, 30), took: time.Minute,
			want: []time.Time{at(9, 30), at(10, 0), at(11, 0)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := serviceConfig(t, tc.schedule, "north")
			cfg.Timezone = tc.timezone
			h := startService(t, cfg, tc.start, ServiceOptions{})
			for i, want := range tc.want {
				if i > 0 {
					h.waiters(1)
					h.advanceTo(want)
				}
				c := h.fake.next(t)
				if !c.at.Equal(want) {
					t.Fatalf("sync %d started at %s, want %s", i+1, c.at.In(chicago).Format(time.DateTime), want.Format(time.DateTime))
				}
				h.advance(tc.took)
				c.ok()
				h.settle()
			}
		})
	}
}

func TestSlowSyncDelaysTheNextInsteadOfStacking(t *testing.T) {
	tests := []struct {
		name     string
		schedule string
		// The first sync runs from t0 until t0+slow; the next must start at want.
		slow time.Duration
		want time.Time
	}{
		{"@every: the next sync starts one interval after the slow one ends", "@every 15m", 40 * time.Minute, t0.Add(55 * time.Minute)},
		{"cron: the tick during the slow sync is skipped, the next tick runs", "*/10 * * * *", 10 * time.Minute, t0.Add(20 * time.Minute)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := serviceConfig(t, tc.schedule, "north")
			cfg.Timezone = "UTC"
			h := startService(t, cfg, t0, ServiceOptions{})
			first := h.fake.next(t)
			if tc.schedule != "@every 15m" {
				// The cron tick that falls inside the slow sync comes and goes.
				h.waiters(1)
				h.advance(tc.slow)
				h.settle()
			} else {
				h.advance(tc.slow)
			}
			first.ok()
			h.settle()
			h.waiters(1)
			h.advanceTo(tc.want)
			second := h.fake.next(t)
			if !second.at.Equal(tc.want) {
				t.Errorf("the sync after the slow one started at %s, want %s", second.at.Format(time.TimeOnly), tc.want.Format(time.TimeOnly))
			}
			if n := h.fake.most("north"); n != 1 {
				t.Errorf("%d syncs of one source ran at once", n)
			}
			skips := len(h.logs.lines("the previous sync of this source is still running or waiting for its turn: this run is skipped (is the schedule too tight for this many sources?)"))
			if want := map[bool]int{true: 1, false: 0}[tc.schedule != "@every 15m"]; skips != want {
				t.Errorf("%d skipped ticks logged, want %d", skips, want)
			}
			second.ok()
		})
	}
}

func TestJitterDelaysScheduledSyncsButNotTheFirst(t *testing.T) {
	var gotMax []time.Duration
	var mu gosync.Mutex
	jitter := func(upTo time.Duration) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		gotMax = append(gotMax, upTo)
		return 20 * time.Second
	}
	h := startService(t, serviceConfig(t, "@every 15m", "north"), t0, ServiceOptions{Jitter: jitter})
	first := h.fake.next(t)
	if !first.at.Equal(t0) {
		t.Errorf("the sync at start waited until %s", first.at.Format(time.TimeOnly))
	}
	first.ok()
	h.waiters(1)
	h.advance(15 * time.Minute)
	h.waiters(1) // the jitter's timer
	h.advance(20 * time.Second)
	second := h.fake.next(t)
	if want := t0.Add(15*time.Minute + 20*time.Second); !second.at.Equal(want) {
		t.Errorf("the scheduled sync started at %s, want %s (15m + 20s of jitter)", second.at.Format(time.TimeOnly), want.Format(time.TimeOnly))
	}
	second.ok()
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(gotMax, []time.Duration{time.Minute}) {
		t.Errorf("jitter was asked for %v, want one draw of at most 1m (a tenth of 15m, capped at 1m)", gotMax)
	}
}

func TestStopLetsTheRunningSyncFinishWithinTheGracePeriod(t *testing.T) {
	cfg := serviceConfig(t, "@every 15m", "north")
	cfg.Grace = 30 * time.Second
	h := startService(t, cfg, t0, ServiceOptions{})
	c := h.fake.next(t)
	h.cancel()   // SIGTERM
	h.waiters(1) // the grace period's timer
	h.advance(10 * time.Second)
	if err := c.ctx.Err(); err != nil {
		t.Fatalf("the running sync was canceled within the grace period: %v", err)
	}
	c.ok()
	if err := h.stopped(); err != nil {
		t.Errorf("Run returned %v after a stop, want nil (exit 0)", err)
	}
	if n := len(h.logs.lines("sync done")); n != 1 {
		t.Errorf("%d 'sync done' lines, want 1 (the sync finished):\n%s", n, h.logs)
	}
	if n := len(h.logs.lines("grace period over: canceling the running sync")); n != 0 {
		t.Errorf("the sync was canceled although it finished in time:\n%s", h.logs)
	}
}

func TestStopCancelsASyncStillRunningAfterTheGracePeriod(t *testing.T) {
	cfg := serviceConfig(t, "@every 15m", "north")
	cfg.Grace = 30 * time.Second
	h := startService(t, cfg, t0, ServiceOptions{})
	c := h.fake.next(t)
	h.cancel()
	h.waiters(1)
	h.advance(30 * time.Second)
	if err := h.stopped(); err != nil {
		t.Errorf("Run returned %v, want nil", err)
	}
	if !errors.Is(c.ctx.Err(), context.Canceled) {
		t.Errorf("the sync's context is %v after the grace period, want canceled", c.ctx.Err())
	}
	if n := len(h.logs.lines("sync failed")); n != 1 {
		t.Errorf("the canceled sync logged %d 'sync failed' lines, want 1:\n%s", n, h.logs)
	}
}

func TestStopDuringJitterStartsNoSync(t *testing.T) {
	h := startService(t, serviceConfig(t, "@every 15m", "north"), t0,
		ServiceOptions{Jitter: func(time.Duration) time.Duration { return 30 * time.Second }})
	h.fake.next(t).ok()
	h.waiters(1)
	h.advance(15 * time.Minute)
	h.waiters(1) // waiting out the jitter
	h.cancel()
	if err := h.stopped(); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-h.fake.calls:
		t.Errorf("a sync started at %s after the stop", c.at.Format(time.TimeOnly))
		c.fail(errors.New("late"))
	default:
	}
}

// get asks h for path as a monitor on this machine would (from loopback).
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	return getFrom(t, h, path, "127.0.0.1:40000", nil)
}

// getFrom asks h for path from the address remote, with the given headers.
func getFrom(t *testing.T, h http.Handler, path, remote string, header http.Header) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = remote
	for k, v := range header {
		req.Header[k] = v
	}
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func TestHealthTurns503AfterAFailingSyncAndBackTo200(t *testing.T) {
	h := startService(t, serviceConfig(t, "@every 15m", "north", "south"), t0, ServiceOptions{Metrics: NewMetrics()})
	handler := h.svc.Handler()
	if code, body := get(t, handler, "/healthz"); code != http.StatusOK || !strings.Contains(body, `"state": "waiting"`) {
		t.Errorf("before any sync: %d %s, want 200 and waiting", code, body)
	}
	byName := map[string]call{}
	for range 2 {
		c := h.fake.next(t)
		byName[c.src] = c
	}
	byName["north"].ok()
	byName["south"].fail(errors.New("read south: 403 the service account has no access"))
	h.waiters(2)

	code, body := get(t, handler, "/healthz")
	if code != http.StatusServiceUnavailable {
		t.Errorf("after a failed sync: %d, want 503", code)
	}
	var got struct {
		Status  string
		Sources []SourceStatus
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	states := map[string]SourceStatus{}
	for _, s := range got.Sources {
		states[s.Source] = s
	}
	if got.Status != "unhealthy" || states["south"].State != StateFailed || !strings.Contains(states["south"].Error, "403") {
		t.Errorf("south after a failure: %+v", states["south"])
	}
	if n := states["north"]; n.State != StateOK || n.RowsRead != 8 || n.Issues != 2 || n.Errors != 1 || !n.Written || n.NextRun == nil {
		t.Errorf("north after a success: %+v", n)
	}

	h.advance(15 * time.Minute)
	for range 2 {
		h.fake.next(t).ok()
	}
	h.waiters(2)
	if code, body := get(t, handler, "/healthz"); code != http.StatusOK {
		t.Errorf("after south's next sync succeeded: %d %s, want 200", code, body)
	}
}

func TestMetricsCountSyncsAndAPIRequests(t *testing.T) {
	m := NewMetrics()
	h := startService(t, serviceConfig(t, "@every 15m", "north"), t0, ServiceOptions{Metrics: m})
	h.fake.next(t).ok()
	h.waiters(1)
	h.advance(15 * time.Minute)
	h.fake.next(t).fail(errors.New("write north: disk full"))
	h.waiters(1)
	h.advance(15 * time.Minute)
	h.fake.next(t).fail(fmt.Errorf("%w: write north: %w", ErrSkipped, sheets.ErrBusy))
	h.waiters(1)
	hook := m.APIRequest("north")
	hook("get", 200)
	hook("batchUpdate", 429)
	hook("batchUpdate", 200)

	for _, tc := range []struct {
		name string
		got  float64
		want float64
	}{
		{"ok syncs", testutil.ToFloat64(m.syncs.WithLabelValues("north", ResultOK)), 1},
		{"failed syncs", testutil.ToFloat64(m.syncs.WithLabelValues("north", ResultFailed)), 1},
		{"skipped syncs", testutil.ToFloat64(m.syncs.WithLabelValues("north", ResultSkipped)), 1},
		{"error issues", testutil.ToFloat64(m.issues.WithLabelValues("north", "error")), 1},
		{"warning issues", testutil.ToFloat64(m.issues.WithLabelValues("north", "warning")), 1},
		{"partner rows", testutil.ToFloat64(m.rows.WithLabelValues("north", "Partners")), 3},
		{"last success", testutil.ToFloat64(m.lastSuccess.WithLabelValues("north")), float64(t0.Unix())},
		{"get 200", testutil.ToFloat64(m.requests.WithLabelValues("north", "get", "200")), 1},
		{"batchUpdate 429", testutil.ToFloat64(m.requests.WithLabelValues("north", "batchUpdate", "429")), 1},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	code, body := get(t, h.svc.Handler(), "/metrics")
	for _, want := range []string{
		`partnermap_syncs_total{result="ok",source="north"} 1`,
		`partnermap_sync_duration_seconds_count{source="north"} 2`,
		`partnermap_api_requests_total{method="batchUpdate",source="north",status="429"} 1`,
		"go_goroutines",
	} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("/metrics (%d) lacks %s", code, want)
		}
	}
}

func TestReloadAddsChangesAndRemovesSources(t *testing.T) {
	var mu gosync.Mutex
	next := serviceConfig(t, "@every 15m", "north")
	var loadErr error
	load := func() (config.Config, error) {
		mu.Lock()
		defer mu.Unlock()
		return next, loadErr
	}
	setConfig := func(cfg config.Config, err error) {
		mu.Lock()
		defer mu.Unlock()
		next, loadErr = cfg, err
	}
	base := next
	h := startService(t, base, t0, ServiceOptions{Load: load})
	h.fake.next(t).ok()
	h.waiters(1)

	// A new source is synced at once; the unchanged one keeps its schedule.
	two := base
	two.Sources = append(slices.Clone(base.Sources), config.Source{Name: "south", XLSX: "south.xlsx"})
	setConfig(two, nil)
	if err := h.svc.Reload("test"); err != nil {
		t.Fatal(err)
	}
	if c := h.fake.next(t); c.src != "south" || !c.at.Equal(t0) {
		t.Errorf("after adding south, %s synced at %s", c.src, c.at.Format(time.TimeOnly))
	} else {
		c.ok()
	}
	h.waiters(2)

	// A changed schedule applies at once, with a sync.
	h.advance(5 * time.Minute)
	changed := two
	changed.Sources = slices.Clone(two.Sources)
	changed.Sources[0].Schedule = "@every 5m"
	setConfig(changed, nil)
	if err := h.svc.Reload("test"); err != nil {
		t.Fatal(err)
	}
	if c := h.fake.next(t); c.src != "north" {
		t.Errorf("after changing north's schedule, %s synced", c.src)
	} else {
		c.ok()
	}
	h.waiters(2)
	h.advance(5 * time.Minute)
	if c := h.fake.next(t); c.src != "north" || !c.at.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("with @every 5m, %s synced at %s, want north at 09:10", c.src, c.at.Format(time.TimeOnly))
	} else {
		c.ok()
	}
	h.waiters(2)

	// An invalid configuration is refused and the running one kept.
	setConfig(config.Config{}, &config.Error{Err: errors.New("schedule: nonsense")})
	if err := h.svc.Reload("test"); err == nil {
		t.Error("Reload accepted a configuration that failed to load")
	}
	badSchedule := changed
	badSchedule.Sources = slices.Clone(changed.Sources)
	badSchedule.Sources[1].Schedule = "every tuesday"
	setConfig(badSchedule, nil)
	if err := h.svc.Reload("test"); err == nil {
		t.Error("Reload accepted a schedule it cannot parse")
	}
	if _, st := h.svc.Status(); len(st) != 2 || st[1].Schedule != "@every 15m" {
		t.Errorf("after refused reloads the sources are %+v, want north and south unchanged", st)
	}
	if n := len(h.logs.lines("config reload failed; keeping the running configuration")); n != 2 {
		t.Errorf("%d reload failures logged, want 2", n)
	}

	// A removed source stops.
	one := changed
	one.Sources = changed.Sources[:1]
	setConfig(one, nil)
	if err := h.svc.Reload("test"); err != nil {
		t.Fatal(err)
	}
	if _, st := h.svc.Status(); len(st) != 1 || st[0].Source != "north" {
		t.Errorf("after removing south the sources are %+v", st)
	}
	if jobs := h.svc.sched.Jobs(); len(jobs) != 1 || jobs[0].Name() != "north" {
		t.Errorf("scheduled jobs after removing south: %d", len(jobs))
	}
}

func TestHealthShowsOnlyTheStatusToOtherMachines(t *testing.T) {
	h := startService(t, serviceConfig(t, "@every 15m", "north"), t0, ServiceOptions{})
	h.fake.next(t).fail(errors.New("read /srv/partnermap/secret-chapter.xlsx: token service said SECRET"))
	h.waiters(1)
	handler := h.svc.Handler()
	for _, tc := range []struct {
		name, remote string
		header       http.Header
	}{
		{"another machine", "203.0.113.7:51000", nil},
		{"a proxy on this machine", "127.0.0.1:51000", http.Header{"X-Forwarded-For": {"203.0.113.7"}}},
	} {
		code, body := getFrom(t, handler, "/healthz", tc.remote, tc.header)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, `"status": "unhealthy"`) || !strings.Contains(body, `"unhealthy": 1`) {
			t.Errorf("%s: %d %s, want 503 with the status and the count", tc.name, code, body)
		}
		for _, secret := range []string{"SECRET", "secret-chapter", "/srv", "north"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s: /healthz shows %q: %s", tc.name, secret, body)
			}
		}
	}
	if _, body := get(t, handler, "/healthz"); !strings.Contains(body, "secret-chapter.xlsx") {
		t.Errorf("from this machine /healthz should show each source's error: %s", body)
	}
}
