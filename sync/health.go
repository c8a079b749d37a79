package sync

import (
	"encoding/json"
	"net"
	"net/http"
	"slices"
	gosync "sync"
	"time"
)

// Source states shown by /healthz.
const (
	StateWaiting = "waiting" // no sync has finished since the service started (or the source was added)
	StateOK      = "ok"      // the last sync that ran succeeded, recently enough
	StateFailed  = "failed"  // the last sync that ran failed
	StateStale   = "stale"   // no success for two periods (skipped runs, a hung sync)
)

// SourceStatus is what /healthz says about one source.
type SourceStatus struct {
	Source   string `json:"source"`
	Schedule string `json:"schedule"`
	// State is waiting, ok, failed or stale; Healthy is false for failed and stale.
	State   string `json:"state"`
	Healthy bool   `json:"healthy"`
	// LastResult is the result of the last scheduled sync: ok, failed or skipped.
	LastResult  string     `json:"last_result,omitempty"`
	LastRun     *time.Time `json:"last_run,omitempty"` // when the last sync finished
	LastSuccess *time.Time `json:"last_success,omitempty"`
	NextRun     *time.Time `json:"next_run,omitempty"`
	// StaleAfter is when the source turns stale if no sync succeeds before.
	StaleAfter      *time.Time `json:"stale_after,omitempty"`
	DurationSeconds float64    `json:"duration_seconds"`
	RowsRead        int        `json:"rows_read"`
	Issues          int        `json:"issues"`
	Errors          int        `json:"errors"` // error-level data issues, to be fixed in the spreadsheet
	Written         bool       `json:"written"`
	Error           string     `json:"error,omitempty"`
}

// health keeps each source's last result for /healthz.
type health struct {
	mu      gosync.Mutex
	order   []string
	entries map[string]*healthEntry
}

type healthEntry struct {
	status      SourceStatus
	sched       schedule
	allowance   time.Duration // jitter and sync timeout: a sync in progress is not "stale"
	since       time.Time     // when the source was added: the reference before any success
	failing     bool
	lastSuccess time.Time
}

func newHealth() *health { return &health{entries: map[string]*healthEntry{}} }

// track adds a source or updates its schedule, keeping its history.
func (h *health) track(label, expr string, sched schedule, allowance time.Duration, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.entries[label]
	if !ok {
		e = &healthEntry{since: now, status: SourceStatus{Source: label}}
		h.entries[label] = e
		h.order = append(h.order, label)
	}
	e.status.Schedule = expr
	e.sched = sched
	e.allowance = allowance
}

// forget drops a source that a reload removed.
func (h *health) forget(label string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.entries, label)
	h.order = slices.DeleteFunc(h.order, func(s string) bool { return s == label })
}

// record stores the outcome of one sync. A skipped run changes neither failing nor the last
// success: the previous verdict stands until a sync actually runs.
func (h *health) record(label, result string, took time.Duration, rep *Report, err error, finished time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.entries[label]
	if !ok {
		return
	}
	st := &e.status
	st.LastResult = result
	st.LastRun = &finished
	st.Error = ""
	if err != nil {
		st.Error = err.Error()
	}
	switch result {
	case ResultOK:
		e.failing = false
		e.lastSuccess = finished
	case ResultFailed:
		e.failing = true
	}
	if result == ResultSkipped {
		return
	}
	st.DurationSeconds = took.Seconds()
	st.RowsRead, st.Issues, st.Errors, st.Written = 0, 0, 0, false
	if rep != nil {
		st.RowsRead, st.Issues, st.Errors, st.Written = rep.RowsRead(), rep.IssueCount(), rep.Errors(), rep.Written
	}
}

// statuses computes each source's state at now: failed when its last sync that ran failed,
// stale when no sync has succeeded since two scheduled runs (plus the allowance) have passed.
func (h *health) statuses(now time.Time) []SourceStatus {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]SourceStatus, 0, len(h.order))
	for _, label := range h.order {
		e := h.entries[label]
		st := e.status
		ref := e.since
		if !e.lastSuccess.IsZero() {
			last := e.lastSuccess
			st.LastSuccess = &last
			ref = last
		}
		staleAfter := e.sched.next(e.sched.next(ref)).Add(e.allowance)
		st.StaleAfter = &staleAfter
		switch {
		case e.failing:
			st.State = StateFailed
		case now.After(staleAfter):
			st.State = StateStale
		case e.lastSuccess.IsZero():
			st.State = StateWaiting
		default:
			st.State = StateOK
		}
		st.Healthy = st.State == StateOK || st.State == StateWaiting
		out = append(out, st)
	}
	return out
}

// Handler serves /healthz (200 when every source is healthy, else 503, with each source's
// status as JSON) and /metrics (Prometheus text format, when the service has metrics).
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.serveHealth)
	mux.Handle("GET /metrics", s.opts.Metrics.Handler())
	return mux
}

func (s *Service) serveHealth(w http.ResponseWriter, r *http.Request) {
	healthy, sources := s.Status()
	status, code := "ok", http.StatusOK
	if !healthy {
		status, code = "unhealthy", http.StatusServiceUnavailable
	}
	var body any = struct {
		Status  string         `json:"status"`
		Sources []SourceStatus `json:"sources"`
	}{status, sources}
	if !fromThisMachine(r) {
		// Anyone who can reach the port gets only what a monitor needs: each source's
		// details name files, accounts and errors.
		unhealthy := 0
		for _, st := range sources {
			if !st.Healthy {
				unhealthy++
			}
		}
		body = struct {
			Status    string `json:"status"`
			Sources   int    `json:"sources"`
			Unhealthy int    `json:"unhealthy"`
			Details   string `json:"details"`
		}{status, len(sources), unhealthy, "ask from the machine partnermap runs on (127.0.0.1) for each source's state"}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(body)
}

// fromThisMachine reports a request from a loopback address that no proxy forwarded (a
// proxy on this machine would otherwise pass the world's requests off as local).
func fromThisMachine(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback() && r.Header.Get("X-Forwarded-For") == "" &&
		r.Header.Get("Forwarded") == "" && r.Header.Get("X-Real-Ip") == ""
}
