// Package fake is an in-memory Google Sheets v4 REST server for tests, built on
// net/http/httptest.
//
// It follows the behaviours of the real API that shape partnermap's backend (see
// shared/GOOGLE.md): spreadsheets.get honours the field mask and the ranges filter (which
// drops untouched tabs and fails on an unknown tab), rows come back ragged, batchUpdate is
// all-or-nothing and refuses writes beyond the grid, and errors carry the API's JSON shape.
// It records every call and can inject faults (429 storms, 5xx, delays, connection resets,
// truncated or malformed JSON) so retry logic is tested against something unkind.
package fake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Call kinds, as recorded in Call.Kind and matched by Fault.Kind.
const (
	KindGet         = "get"
	KindBatchUpdate = "batchUpdate"
	KindValuesGet   = "values.batchGet"
)

// Call is one HTTP request the fake received.
type Call struct {
	Kind     string // KindGet, KindBatchUpdate, KindValuesGet, or "" for an unknown route
	Method   string // HTTP method
	Path     string // URL path as sent (escaped)
	Query    url.Values
	Body     []byte
	Time     time.Time // when the request arrived
	Status   int       // HTTP status answered; 0 when the connection was reset
	Injected bool      // the answer came from an injected fault
}

// Fault is an injected failure for one call. Exactly one of Status, Reset, Truncate,
// Malformed is normally set; Delay may be combined with any of them or used alone.
type Fault struct {
	// Kind limits the fault to calls of one kind (KindGet, ...); "" matches any call.
	Kind string
	// Status answers with this HTTP status and an API error body (429 → RESOURCE_EXHAUSTED
	// with reason RATE_LIMIT_EXCEEDED); nothing is applied.
	Status int
	// RetryAfter is sent as the Retry-After header with Status.
	RetryAfter string
	// Delay waits this long (or until the client gives up) before answering.
	Delay time.Duration
	// Reset hijacks the connection and closes it without an answer.
	Reset bool
	// Truncate handles the call normally (a batchUpdate IS applied) and then cuts the JSON
	// answer in half, as a dropped connection mid-body would.
	Truncate bool
	// Malformed handles the call normally and answers 200 with a body that is not JSON.
	Malformed bool
	// AfterApply applies a batchUpdate before a Status or Reset answer, so the client cannot
	// tell that its write landed (the lost-answer case).
	AfterApply bool
}

// Server is the fake Sheets API. Create it with New and point the client at URL().
type Server struct {
	srv *httptest.Server

	mu     sync.Mutex
	books  map[string]*book
	calls  []Call
	faults []Fault
	quota  quota
	seq    int64 // source of fresh ids
	// versions and answers keep the answers to gets of unchanged spreadsheets (answers.go).
	versions map[string]int64
	answers  map[string]*answer
}

// New starts a fake server. Close it when done.
func New() *Server {
	s := &Server{books: map[string]*book{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Clone starts another server holding a copy of every spreadsheet (not the calls or the
// pending faults), so many tests can start from one expensively prepared state.
func (s *Server) Clone() *Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := New()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq = s.seq
	for id, b := range s.books {
		c.books[id] = b.clone()
	}
	// Kept answers are never changed, only replaced, so the copies can share them.
	c.versions, c.answers = maps.Clone(s.versions), maps.Clone(s.answers)
	return c
}

// URL is the server's base URL, for the adapter's Options.Endpoint.
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// FailNext makes the next n calls matching f.Kind fail as f says.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// PendingFaults is how many injected faults have not been used yet.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults)
}

// Calls returns a copy of every call received so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsOf returns the calls of one kind.
func (s *Server) CallsOf(kind string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

// ResetCalls forgets the calls recorded so far (seeding is not recorded anyway).
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// route splits a request path into the call kind and the spreadsheet id. Go's ServeMux cannot
// match "{id}:batchUpdate", so this routes on the prefix and splits on ':' as GOOGLE.md says.
func route(method, path string) (kind, id string) {
	rest, ok := strings.CutPrefix(path, "/v4/spreadsheets/")
	if !ok || rest == "" {
		return "", ""
	}
	switch {
	case method == http.MethodPost && strings.HasSuffix(rest, ":batchUpdate") && !strings.Contains(rest, "/"):
		return KindBatchUpdate, strings.TrimSuffix(rest, ":batchUpdate")
	case method == http.MethodGet && strings.HasSuffix(rest, "/values:batchGet"):
		return KindValuesGet, strings.TrimSuffix(rest, "/values:batchGet")
	case method == http.MethodGet && !strings.ContainsAny(rest, "/:"):
		return KindGet, rest
	}
	return "", ""
}

// takeFault pops the first pending fault matching kind.
func (s *Server) takeFault(kind string) (Fault, bool) {
	for i, f := range s.faults {
		if f.Kind == "" || f.Kind == kind {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			return f, true
		}
	}
	return Fault{}, false
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// Arrival is taken before the lock: a call that waits for another's batchUpdate to be
	// applied still arrived when it arrived, as the quota and the call log should see it.
	now := time.Now()
	body, _ := readAll(r)
	kind, id := route(r.Method, r.URL.EscapedPath())
	if unescaped, err := url.PathUnescape(id); err == nil {
		id = unescaped
	}

	s.mu.Lock()
	idx := len(s.calls)
	s.calls = append(s.calls, Call{Kind: kind, Method: r.Method, Path: r.URL.EscapedPath(),
		Query: r.URL.Query(), Body: body, Time: now})
	if s.overQuota(now) {
		s.calls[idx].Status = http.StatusTooManyRequests
		s.mu.Unlock()
		writeAPIError(w, http.StatusTooManyRequests, "")
		return
	}
	fault, faulted := s.takeFault(kind)
	s.mu.Unlock()

	rec := &recorder{header: http.Header{}}
	if r.Context().Err() != nil {
		// The client gave up while the call waited for the lock: doing the work anyway
		// only delays its retry, and on a busy machine the abandoned calls pile up.
		s.setStatus(idx, 0, faulted)
		return
	}
	if faulted && fault.Delay > 0 {
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			s.setStatus(idx, 0, true)
			return
		}
	}
	injected := faulted && (fault.Status != 0 || fault.Reset || fault.Truncate || fault.Malformed)
	if injected && (fault.Status != 0 || fault.Reset) {
		if fault.AfterApply && kind == KindBatchUpdate {
			s.handle(&recorder{header: http.Header{}}, r, kind, id, body)
		}
		if fault.Reset {
			s.setStatus(idx, 0, true)
			resetConn(w)
			return
		}
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		s.setStatus(idx, fault.Status, true)
		writeAPIError(w, fault.Status, "")
		return
	}

	s.handle(rec, r, kind, id, body)
	out := rec.body.Bytes()
	switch {
	case injected && fault.Truncate:
		out = out[:len(out)/2]
	case injected && fault.Malformed:
		out = []byte("<html><body>502 Bad Gateway</body></html>")
	}
	s.setStatus(idx, rec.status, injected)
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(rec.status)
	_, _ = w.Write(out)
}

func (s *Server) setStatus(idx, status int, injected bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[idx].Status = status
	s.calls[idx].Injected = injected
}

// handle answers a call that is not faulted.
func (s *Server) handle(w *recorder, r *http.Request, kind, id string, body []byte) {
	switch kind {
	case KindGet:
		s.handleGet(w, r, id)
	case KindBatchUpdate:
		s.handleBatchUpdate(w, id, body)
	case KindValuesGet:
		s.handleValuesGet(w, r, id)
	default:
		writeErrorMessage(w, http.StatusNotFound, fmt.Sprintf("fake: no route for %s %s", r.Method, r.URL.Path))
	}
}

// resetConn closes the connection under the client without an HTTP answer.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("fake: response writer cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	_ = conn.Close()
}

// statusNames are the google.rpc.Code names the real API puts in error.status.
var statusNames = map[int]string{
	400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
	409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "UNAVAILABLE",
	503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}

// defaultMessages are what the real API says for statuses a fault injects.
var defaultMessages = map[int]string{
	400: "Invalid request.",
	401: "Request had invalid authentication credentials.",
	403: "The caller does not have permission",
	404: "Requested entity was not found.",
	429: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' " +
		"of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
	500: "Internal error encountered.",
	502: "Bad Gateway",
	503: "The service is currently unavailable.",
	504: "The service is currently unavailable.",
}

type httpHeaderWriter interface {
	Header() http.Header
	WriteHeader(int)
	Write([]byte) (int, error)
}

// writeAPIError answers with the real API's error JSON for status.
func writeAPIError(w httpHeaderWriter, status int, message string) {
	if message == "" {
		message = defaultMessages[status]
	}
	if message == "" {
		message = http.StatusText(status)
	}
	e := map[string]any{"code": status, "message": message, "status": statusNames[status]}
	if status == http.StatusTooManyRequests {
		e["details"] = []any{map[string]any{
			"@type":  "type.googleapis.com/google.rpc.ErrorInfo",
			"reason": "RATE_LIMIT_EXCEEDED",
			"domain": "googleapis.com",
			"metadata": map[string]string{
				"service":           "sheets.googleapis.com",
				"quota_metric":      "sheets.googleapis.com/write_requests",
				"quota_limit":       "WriteRequestsPerMinutePerUser",
				"quota_limit_value": "60",
				"quota_location":    "global",
			},
		}}
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeErrorMessage(w httpHeaderWriter, status int, message string) {
	writeAPIError(w, status, message)
}

func writeJSON(w httpHeaderWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeErrorMessage(w, http.StatusInternalServerError, "fake: encode answer: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
