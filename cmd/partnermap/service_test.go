//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/internal/longtest"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google/fake"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// procLimit bounds every wait on a process under test, so a broken service fails the test
// instead of hanging it; the waits poll and normally end within a second.
const procLimit = 20 * time.Second

// TestServiceProcess runs `partnermap sync` as the real service process, built once: the lock
// it shares with `sync --now` in another process, SIGTERM in the middle of a sync, and its
// HTTP listener.
func TestServiceProcess(t *testing.T) {
	longtest.Skip(t, "builds partnermap and runs it as a service")
	bin := buildBinary(t)
	t.Run("sync --now waits for the service's sync or says one is running", func(t *testing.T) { testLockBetweenProcesses(t, bin) })
	wb := newBusyWorkbook(t, bin)
	t.Run("SIGTERM lets the running sync finish and exits 0", func(t *testing.T) { testSIGTERMDuringSync(t, bin, wb, "30s", false) })
	t.Run("SIGTERM after the grace period cancels the sync and exits 0", func(t *testing.T) { testSIGTERMDuringSync(t, bin, wb, "0s", false) })
	t.Run("a second SIGTERM cancels the sync at once and exits 0", func(t *testing.T) { testSIGTERMDuringSync(t, bin, wb, "30s", true) })
	t.Run("healthz and metrics over HTTP for several sources", func(t *testing.T) { testHTTPListener(t, bin) })
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu  gosync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is a partnermap process under test.
type proc struct {
	t           *testing.T
	cmd         *exec.Cmd
	stdout, log lockedBuffer
	done        chan struct{}
}

// startProc starts bin with args in dir, with no PARTNERMAP_* variables from the test's environment.
func startProc(t *testing.T, bin, dir string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Env = cleanEnv()
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// lines returns the process's JSON log lines with message msg; every line it wrote must be
// JSON, since its stderr is not a terminal.
func (p *proc) lines(msg string) []map[string]any {
	p.t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(p.log.String()), "\n") {
		if l == "" || strings.HasPrefix(l, "partnermap: ") {
			continue // the closing summary of a command that failed, meant for a person
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			p.t.Fatalf("a log line is not JSON although stderr is not a terminal: %q", l)
		}
		if m["message"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// waitLines polls the log until n lines with message msg are there, or the process exits.
func (p *proc) waitLines(msg string, n int) []map[string]any {
	p.t.Helper()
	deadline := time.Now().Add(procLimit)
	for {
		if got := p.lines(msg); len(got) >= n {
			return got
		}
		select {
		case <-p.done:
			if got := p.lines(msg); len(got) >= n {
				return got
			}
			p.t.Fatalf("the process exited before logging %q %d times:\n%s", msg, n, p.log.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %q logged %d times within %s:\n%s", msg, n, procLimit, p.log.String())
		}
	}
}

// exit waits for the process to end and returns its exit code (-1 when a signal killed it).
func (p *proc) exit() int {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(procLimit):
		p.t.Fatalf("the process did not exit within %s:\n%s", procLimit, p.log.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

func (p *proc) signal(sig os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
}

// gate is a proxy in front of the Google fake that holds the first request until released:
// it keeps a sync in the middle of its read for as long as the test needs.
type gate struct {
	srv      *httptest.Server
	seen     atomic.Int32
	entered  chan struct{}
	release  chan struct{}
	released gosync.Once
}

func newGate(t *testing.T, target string) *gate {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{entered: make(chan struct{}), release: make(chan struct{})}
	proxy := httputil.NewSingleHostReverseProxy(u)
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.seen.Add(1) == 1 {
			close(g.entered)
			select {
			case <-g.release:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		g.open()
		g.srv.Close()
	})
	return g
}

func (g *gate) open() { g.released.Do(func() { close(g.release) }) }

func testLockBetweenProcesses(t *testing.T, bin string) {
	dir := t.TempDir()
	srv := fake.New()
	defer srv.Close()
	srv.AddSpreadsheet("chapter-1", "America/Chicago")
	srv.AddInputTabs("chapter-1", demo.Workbook(config.Default().Tabs, demo.Day(scoring.DateFromTime(time.Now()))))
	g := newGate(t, srv.URL())
	common := []string{"--spreadsheet-id", "chapter-1", "--set", "source.endpoint=" + g.srv.URL,
		"--set", "state_dir=" + filepath.Join(dir, "state"), "--log-format", "json"}

	svc := startProc(t, bin, dir, append([]string{"sync", "--set", "schedule=@every 1h"}, common...)...)
	select {
	case <-g.entered: // the service holds the lock and is reading the sheet
	case <-svc.done:
		t.Fatalf("the service exited:\n%s", svc.log.String())
	case <-time.After(procLimit):
		t.Fatalf("the service never read the sheet:\n%s", svc.log.String())
	}

	// With no time to wait, sync --now says a sync is running, and by whom, and writes nothing.
	now := startProc(t, bin, dir, append([]string{"sync", "--now", "--lock-wait", "0s"}, common...)...)
	if code := now.exit(); code != exitFailed {
		t.Fatalf("sync --now next to a running sync: exit %d, want %d\n%s", code, exitFailed, now.log.String())
	}
	logged := now.lines("sync not started: another sync of this source is running")
	holder := fmt.Sprintf("(pid %d since ", svc.cmd.Process.Pid)
	if len(logged) != 1 || !strings.Contains(logged[0]["error"].(string), holder) {
		t.Errorf("sync --now should log that the service (%s) is syncing: %v\n%s", holder, logged, now.log.String())
	}
	if !strings.Contains(now.log.String(), "not synced: another sync") {
		t.Errorf("the last line should say that another sync was running, not that something failed:\n%s", now.log.String())
	}
	if n := len(srv.CallsOf(fake.KindBatchUpdate)); n != 0 {
		t.Errorf("%d writes while the service was still reading", n)
	}

	// Given time, it waits for the service's sync, then syncs after it: the service wrote, so
	// it finds nothing changed (had they run together it would have read the unwritten sheet).
	now = startProc(t, bin, dir, append([]string{"sync", "--now", "--lock-wait", "1m"}, common...)...)
	now.waitLines("another sync of this source is running; waiting for it to finish", 1)
	if n := len(svc.lines("sync done")); n != 0 {
		t.Fatalf("the service finished its sync while the gate was closed:\n%s", svc.log.String())
	}
	g.open()
	if code := now.exit(); code != exitOK {
		t.Fatalf("sync --now after waiting: exit %d\n%s\n%s", code, now.stdout.String(), now.log.String())
	}
	if out := now.stdout.String(); !strings.Contains(out, "Nothing changed since the last sync") {
		t.Errorf("sync --now should have run after the service's write and found nothing to do:\n%s", out)
	}
	svc.waitLines("sync done", 1)
	if n := len(srv.CallsOf(fake.KindBatchUpdate)); n != 1 {
		t.Errorf("%d writes, want 1 (the service's)", n)
	}
	svc.signal(syscall.SIGTERM)
	if code := svc.exit(); code != exitOK {
		t.Errorf("service after SIGTERM: exit %d\n%s", code, svc.log.String())
	}
}

// busyWorkbook is a workbook whose sync lasts long enough (a few hundred ms) for a signal
// to land in the middle of it, and what a whole sync of it writes.
type busyWorkbook struct {
	original []byte
	inputs   map[string]string // input tabs as text
	want     map[string]*sheets.Table
	asOf     scoring.Date
}

func newBusyWorkbook(t *testing.T, bin string) *busyWorkbook {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "chapter.xlsx")
	b := &busyWorkbook{asOf: scoring.DateFromTime(time.Now()), inputs: map[string]string{}}
	tabs := workload.Tabs(config.Default().Tabs, workload.SizeOf(600), b.asOf, workload.DefaultMess(), 7)
	if _, err := xlsx.New(path, xlsx.DefaultOptions()).AddInputTabs(context.Background(), tabs); err != nil {
		t.Fatal(err)
	}
	var err error
	if b.original, err = os.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	for name, tab := range readTabs(t, path, inputTabs) {
		b.inputs[name] = cellText(tab)
	}
	ref := startProc(t, bin, dir, "sync", "--now", "--xlsx", path, "--as-of", b.asOf.String(),
		"--set", "state_dir="+filepath.Join(dir, "state"), "--set", "xlsx.backups=0")
	if code := ref.exit(); code != exitOK {
		t.Fatalf("the reference sync failed: %d\n%s", code, ref.log.String())
	}
	b.want = readTabs(t, path, outputTabs)
	return b
}

// testSIGTERMDuringSync stops the service with SIGTERM while its first sync runs, with the
// given grace period, and, if again, SIGTERM again until it says it cancels the sync: it must
// exit 0 and leave the workbook either as it was or with every output tab as a whole sync
// writes them.
func testSIGTERMDuringSync(t *testing.T, bin string, wb *busyWorkbook, grace string, again bool) {
	dir := t.TempDir()
	path := filepath.Join(dir, "chapter.xlsx")
	if err := os.WriteFile(path, wb.original, 0o644); err != nil {
		t.Fatal(err)
	}
	svc := startProc(t, bin, dir, "sync", "--xlsx", path, "--log-format", "json", "--log-level", "debug",
		"--set", "state_dir="+filepath.Join(dir, "state"), "--set", "schedule=@every 1h", "--set", "grace="+grace,
		"--set", "xlsx.backups=0")
	svc.waitLines("sync started", 1)
	svc.signal(syscall.SIGTERM)
	// The second signal counts once the service listens for it, so repeat it until the
	// service says it cancels the sync, or exits (the sync was done first).
	for again && len(svc.lines("asked again to stop: canceling the running sync now")) == 0 {
		select {
		case <-svc.done:
			again = false
		case <-time.After(2 * time.Millisecond):
			_ = svc.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	if code := svc.exit(); code != exitOK {
		t.Fatalf("exit %d after SIGTERM, want 0\n%s", code, svc.log.String())
	}
	if len(svc.lines("service stopped")) != 1 {
		t.Errorf("no 'service stopped' line:\n%s", svc.log.String())
	}
	during := len(svc.lines("stopping: letting the running sync finish")) == 1
	if !during {
		t.Logf("the sync ended before the signal landed: the test proves less than it should\n%s", svc.log.String())
	}

	got := inspect(t, path, wb.original, wb.inputs)
	if got == outcomeNew {
		have := readTabs(t, path, outputTabs)
		for _, name := range outputTabs {
			if cellText(have[name]) != cellText(wb.want[name]) {
				t.Errorf("output tab %s is not what a whole sync writes", name)
			}
		}
	}
	canceled := len(svc.lines("grace period over: canceling the running sync"))+
		len(svc.lines("asked again to stop: canceling the running sync now")) == 1
	switch {
	case grace != "0s" && !canceled && got != outcomeNew:
		t.Errorf("with a grace period the sync should have finished, but the workbook is the %s:\n%s", got, svc.log.String())
	case grace == "0s" && during && !canceled:
		t.Errorf("with no grace period the running sync should have been canceled:\n%s", svc.log.String())
	}
	t.Logf("grace %s: signal during the sync: %v, canceled: %v, left the %s", grace, during, canceled, got)
}

func testHTTPListener(t *testing.T, bin string) {
	dir := t.TempDir()
	path := filepath.Join(dir, "north.xlsx")
	day := demo.Day(scoring.DateFromTime(time.Now()))
	if _, err := xlsx.New(path, xlsx.DefaultOptions()).AddInputTabs(context.Background(), demo.Workbook(config.Default().Tabs, day)); err != nil {
		t.Fatal(err)
	}
	srv := fake.New()
	defer srv.Close()
	srv.AddSpreadsheet("chapter-south", "America/Chicago")
	srv.AddInputTabs("chapter-south", demo.Workbook(config.Default().Tabs, day))
	cfgPath := filepath.Join(dir, "config.yaml")
	// Port 0: the service logs the address it got, so tests never race for a free port.
	cfg := fmt.Sprintf(`sources:
  - name: north
    xlsx: %s
  - name: south
    spreadsheet_id: chapter-south
    endpoint: %s
    schedule: "0 6 * * *"
schedule: "@every 1h"
state_dir: %s
http:
  listen: 127.0.0.1:0
`, path, srv.URL(), filepath.Join(dir, "state"))
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	svc := startProc(t, bin, dir, "sync", "--config", cfgPath)
	listen, _ := svc.waitLines("serving /healthz and /metrics", 1)[0]["listen"].(string)
	if !strings.HasPrefix(listen, "127.0.0.1:") || strings.HasSuffix(listen, ":0") {
		t.Fatalf("the service listens on %q", listen)
	}
	done := svc.waitLines("sync done", 2)
	for _, l := range done {
		for _, key := range []string{"source", "duration", "rows", "issues", "written"} {
			if _, ok := l[key]; !ok {
				t.Errorf("the 'sync done' line has no %s: %v", key, l)
			}
		}
		if rows, _ := l["rows"].(float64); rows < 17 {
			t.Errorf("the 'sync done' line says %v rows were read: %v", l["rows"], l)
		}
	}

	fetch := func(p string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + listen + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(body)
	}
	code, body := fetch("/healthz")
	var health struct {
		Status  string
		Sources []struct {
			Source, State, Schedule string
			RowsRead                int `json:"rows_read"`
		}
	}
	if err := json.Unmarshal([]byte(body), &health); err != nil {
		t.Fatalf("/healthz is not JSON: %v\n%s", err, body)
	}
	if code != http.StatusOK || health.Status != "ok" || len(health.Sources) != 2 {
		t.Fatalf("/healthz: %d %s", code, body)
	}
	for i, want := range []struct{ source, schedule string }{{"north", "@every 1h"}, {"south", "0 6 * * *"}} {
		if s := health.Sources[i]; s.Source != want.source || s.Schedule != want.schedule || s.State != "ok" || s.RowsRead == 0 {
			t.Errorf("/healthz source %d: %+v, want %s on %q, ok", i, s, want.source, want.schedule)
		}
	}

	code, body = fetch("/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`partnermap_syncs_total{result="ok",source="north"} 1`,
		`partnermap_syncs_total{result="ok",source="south"} 1`,
		`partnermap_sync_duration_seconds_bucket{source="north",le=`,
		`partnermap_api_requests_total{method="get",source="south",status="200"}`,
		`partnermap_api_requests_total{method="batchUpdate",source="south",status="200"} 1`,
		`partnermap_data_issues{severity="warning",source="north"}`,
		`partnermap_rows_read{source="north",tab="Partners"} 17`,
		`partnermap_last_success_timestamp_seconds{source="south"}`,
		"process_resident_memory_bytes",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// Reloads: a broken config saved or sent with SIGHUP is logged and the running one kept;
	// a valid one that drops a source applies.
	const refused = "config reload failed; keeping the running configuration"
	if err := os.WriteFile(cfgPath, []byte(strings.Replace(cfg, `"@every 1h"`, `"every tuesday"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	svc.waitLines(refused, 1)
	svc.signal(syscall.SIGHUP)
	if l := svc.waitLines(refused, 2)[1]; l["reason"] != "SIGHUP" || !strings.Contains(fmt.Sprint(l["error"]), "every tuesday") {
		t.Errorf("the refused reload on SIGHUP: %v", l)
	}
	if code, _ := fetch("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz after a refused reload: %d", code)
	}
	north, _, _ := strings.Cut(cfg, "  - name: south")
	_, rest, _ := strings.Cut(cfg, `schedule: "0 6 * * *"`+"\n")
	if err := os.WriteFile(cfgPath, []byte(north+rest), 0o644); err != nil {
		t.Fatal(err)
	}
	if l := svc.waitLines("config reloaded", 1)[0]; fmt.Sprint(l["removed"]) != "[south]" {
		t.Errorf("the reload without south: %v", l)
	}
	if _, body := fetch("/healthz"); strings.Contains(body, `"south"`) || !strings.Contains(body, `"north"`) {
		t.Errorf("/healthz after south was removed:\n%s", body)
	}

	svc.signal(syscall.SIGTERM)
	if code := svc.exit(); code != exitOK {
		t.Errorf("exit %d after SIGTERM\n%s", code, svc.log.String())
	}
	if _, err := http.Get("http://" + listen + "/healthz"); err == nil {
		t.Error("the listener still answers after the service stopped")
	}
}
