package sync

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/partnermap/partnermap/config"
)

func TestEachSourceHasItsOwnScheduleTabsAndLock(t *testing.T) {
	cfg := serviceConfig(t, "@every 15m")
	cfg.Timezone = "UTC"
	cfg.Sources = []config.Source{
		{Name: "north", XLSX: "north.xlsx", Schedule: "@every 10m", Tabs: config.Tabs{Partners: "Partenaires"}},
		{Name: "south", XLSX: "south.xlsx", Schedule: "*/30 * * * *"},
	}
	list := cfg.SourceList()
	if LockPath(cfg.StateDir, list[0]) == LockPath(cfg.StateDir, list[1]) {
		t.Fatal("two workbooks share one lock file")
	}
	h := startService(t, cfg, t0, ServiceOptions{})

	// Both start at once: a sync of north still running does not hold south back.
	first := map[string]call{}
	for range 2 {
		c := h.fake.next(t)
		first[c.src] = c
	}
	if n, s := first["north"], first["south"]; n.tabs.Partners != "Partenaires" || n.tabs.Meetings != "Meetings" ||
		s.tabs.Partners != "Partners" {
		t.Errorf("tabs passed to the syncs: north %+v, south %+v; want north's own Partners tab and the rest inherited", n.tabs, s.tabs)
	}
	first["north"].ok()
	first["south"].ok()
	h.settle()
	h.settle()
	h.waiters(2)

	// From 09:00 to 09:30: north every 10 minutes (counted from the end of its sync), south on the half hour.
	var got []string
	for _, at := range []time.Time{t0.Add(10 * time.Minute), t0.Add(20 * time.Minute), t0.Add(30 * time.Minute)} {
		h.advanceTo(at)
		n := 1
		if at.Minute() == 30 {
			n = 2
		}
		for range n {
			c := h.fake.next(t)
			got = append(got, c.src+"@"+c.at.Format("15:04"))
			c.ok()
			h.settle()
		}
		h.waiters(2)
	}
	want := "north@09:10 north@09:20 north@09:30 south@09:30"
	slices.Sort(got)
	if g := strings.Join(got, " "); g != want {
		t.Errorf("syncs: %s, want %s", g, want)
	}
}

// TestASyncInAnotherProcessSkipsTheScheduledRunAndTurnsItStale holds the source's lock as a
// `sync --now` in another process would: the service waits LockWait, skips the run without
// syncing, and once no sync has succeeded for two periods /healthz says stale (503); a
// sync after the lock is released brings it back to 200.
func TestASyncInAnotherProcessSkipsTheScheduledRunAndTurnsItStale(t *testing.T) {
	cfg := serviceConfig(t, "@every 15m", "north")
	src := cfg.SourceList()[0]
	other, err := LockSource(context.Background(), cfg.StateDir, src, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Unlock()
	m := NewMetrics()
	h := startService(t, cfg, t0, ServiceOptions{Metrics: m, LockWait: 20 * time.Millisecond})
	handler := h.svc.Handler()

	// 09:00, 09:15 and 09:30 are skipped; stale after 09:30 plus the jitter and the sync timeout.
	for i := range 3 {
		if i > 0 {
			h.waiters(1)
			h.advance(15 * time.Minute)
		}
		h.settle()
	}
	select {
	case c := <-h.fake.calls:
		t.Fatalf("a sync ran at %s while another process held the lock", c.at.Format(time.TimeOnly))
	default:
	}
	if n := testutil.ToFloat64(m.syncs.WithLabelValues("north", ResultSkipped)); n != 3 {
		t.Errorf("%v skipped syncs counted, want 3", n)
	}
	if n := len(h.logs.lines("waiting for another sync of this source to finish")); n != 3 {
		t.Errorf("%d 'waiting' lines, want 3:\n%s", n, h.logs)
	}
	skips := h.logs.lines("sync skipped; the next run tries again")
	if len(skips) != 3 || !strings.Contains(skips[0]["error"].(string), "another partnermap sync of north is running") {
		t.Errorf("skip lines: %v", skips)
	}
	if code, body := get(t, handler, "/healthz"); code != http.StatusOK || !strings.Contains(body, `"last_result": "skipped"`) {
		t.Errorf("at 09:30, within two periods: %d %s, want 200 with the skip shown", code, body)
	}
	h.waiters(1)
	h.advance(2*time.Minute + time.Second) // 09:32:01, past 09:30 + 1m jitter + 1m sync timeout
	if code, body := get(t, handler, "/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, `"state": "stale"`) {
		t.Errorf("two periods without a sync: %d %s, want 503 and stale", code, body)
	}

	if err := other.Unlock(); err != nil {
		t.Fatal(err)
	}
	h.advanceTo(t0.Add(45 * time.Minute))
	h.fake.next(t).ok()
	h.settle()
	if code, body := get(t, handler, "/healthz"); code != http.StatusOK || !strings.Contains(body, `"state": "ok"`) {
		t.Errorf("after a sync once the lock was free: %d %s, want 200 and ok", code, body)
	}
}

func TestOneLogLinePerSyncWithWhatItDid(t *testing.T) {
	h := startService(t, serviceConfig(t, "@every 15m", "north"), t0, ServiceOptions{})
	h.fake.next(t).ok()
	h.settle()
	h.waiters(1)
	h.advance(15 * time.Minute)
	h.fake.next(t).fail(errors.New("read north: 403 no access"))
	h.settle()

	done := h.logs.lines("sync done")
	if len(done) != 1 {
		t.Fatalf("%d 'sync done' lines, want 1:\n%s", len(done), h.logs)
	}
	for key, want := range map[string]any{"source": "north", "level": "info", "rows": 8.0, "issues": 2.0, "errors": 1.0, "written": true} {
		if done[0][key] != want {
			t.Errorf("'sync done' %s = %v, want %v", key, done[0][key], want)
		}
	}
	if _, ok := done[0]["duration"]; !ok {
		t.Errorf("'sync done' has no duration: %v", done[0])
	}
	failed := h.logs.lines("sync failed")
	if len(failed) != 1 || failed[0]["source"] != "north" || failed[0]["level"] != "error" ||
		!strings.Contains(failed[0]["error"].(string), "403") {
		t.Errorf("'sync failed' lines: %v", failed)
	}
}

func TestLockWaitsForTheHolderThenProceeds(t *testing.T) {
	dir := t.TempDir()
	src := config.Source{Name: "north", XLSX: "north.xlsx"}
	held, err := LockSource(context.Background(), dir, src, 0, nil)
	if err != nil {
		t.Fatal(err)
	}

	_, err = LockSource(context.Background(), dir, src, 0, nil)
	var le *LockedError
	if !errors.As(err, &le) || !IsLocked(err) {
		t.Fatalf("a second lock with no wait: %v, want a LockedError", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "another partnermap sync of north is running") || !strings.Contains(msg, "pid ") {
		t.Errorf("the message should say a sync is running and who runs it: %s", msg)
	}

	// A waiter is told once that it waits, and gets the lock when the holder lets go.
	told := make(chan string, 10)
	got := make(chan error, 1)
	go func() {
		l, err := LockSource(context.Background(), dir, src, time.Minute, func(holder string) { told <- holder })
		if err == nil {
			err = l.Unlock()
		}
		got <- err
	}()
	select {
	case holder := <-told:
		if !strings.HasPrefix(holder, "pid ") {
			t.Errorf("the waiter was told the holder is %q", holder)
		}
	case <-time.After(waitLimit):
		t.Fatal("the waiter was not told that it waits")
	}
	if err := held.Unlock(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		if err != nil {
			t.Errorf("after the holder let go: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("the waiter never got the lock")
	}
	if len(told) != 0 {
		t.Errorf("the waiter was told %d more times", len(told))
	}

	// Canceling stops the wait.
	held, err = LockSource(context.Background(), dir, src, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LockSource(ctx, dir, src, time.Minute, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("a canceled wait returned %v", err)
	}
}

func TestASecondStopCancelsTheRunningSyncWithoutWaitingOutTheGrace(t *testing.T) {
	cfg := serviceConfig(t, "@every 15m", "north")
	cfg.Grace = 30 * time.Second
	h := startService(t, cfg, t0, ServiceOptions{})
	c := h.fake.next(t)
	h.cancel()   // SIGTERM
	h.waiters(1) // the grace period's timer runs; the clock does not move from here
	h.svc.Abort()
	select {
	case <-c.ctx.Done():
	case <-time.After(waitLimit):
		t.Fatal("the running sync was not canceled by the second stop")
	}
	if err := h.stopped(); err != nil {
		t.Errorf("Run returned %v, want nil (exit 0)", err)
	}
	if n := len(h.logs.lines("asked again to stop: canceling the running sync now")); n != 1 {
		t.Errorf("%d 'asked again' lines, want 1:\n%s", n, h.logs)
	}
}

func TestTheTempStateFolderMustBePrivate(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	stateDir := config.TempStateDir()
	if filepath.Dir(stateDir) != tmp {
		t.Fatalf("TempStateDir = %s, want it in %s", stateDir, tmp)
	}
	src := config.Source{XLSX: filepath.Join(t.TempDir(), "partners.xlsx")}

	// Someone else got there first and planted a symlink to a folder of their choosing.
	elsewhere := t.TempDir()
	if err := os.Symlink(elsewhere, stateDir); err != nil {
		t.Fatal(err)
	}
	if _, err := LockSource(context.Background(), stateDir, src, 0, nil); err == nil || !strings.Contains(err.Error(), "not a private folder") {
		t.Fatalf("LockSource through a planted symlink: err = %v, want a refusal", err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("a lock file was written where the symlink pointed: %v", entries)
	}
	if err := os.Remove(stateDir); err != nil {
		t.Fatal(err)
	}

	// A folder open to others is refused too.
	if err := os.Mkdir(stateDir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(stateDir, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := LockSource(context.Background(), stateDir, src, 0, nil); err == nil {
		t.Fatal("LockSource in a world-writable temp state folder succeeded")
	}
	if err := os.Remove(stateDir); err != nil {
		t.Fatal(err)
	}

	// With nothing there, it creates a private folder and locks.
	lock, err := LockSource(context.Background(), stateDir, src, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	info, err := os.Lstat(stateDir)
	if err != nil || !info.IsDir() || info.Mode().Perm() != 0o700 {
		t.Fatalf("state folder: %v, %v; want a 0700 folder", info, err)
	}
}
