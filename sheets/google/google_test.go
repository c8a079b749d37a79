package google_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/google/fake"
	"github.com/partnermap/partnermap/sheets/sheetstest"
)

var inputs = []sheets.Table{sheetstest.Partners(), sheetstest.Meetings()}

// outTab is an output tab of n data rows below a header.
func outTab(name string, n int) sheets.Tab {
	t := sheets.Tab{Name: name, FrozenRows: 1, BoldRows: []int{0},
		Rows: [][]sheets.Cell{{sheets.TextCell("Partner"), sheets.TextCell("Score")}}}
	for i := range n {
		t.Rows = append(t.Rows, []sheets.Cell{sheets.TextCell(fmt.Sprintf("%s %d", name, i+1)), sheets.IntCell(i)})
	}
	return t
}

func mustRead(t *testing.T, s *google.Sheet, tabs ...string) *sheets.Snapshot {
	t.Helper()
	snap, err := s.Read(context.Background(), tabs)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return snap
}

func mustWrite(t *testing.T, s *google.Sheet, adopt []string, tabs ...sheets.Tab) {
	t.Helper()
	if err := s.Write(context.Background(), mustRead(t, s), tabs, adopt); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

// count tallies recorded calls by kind.
func count(f *fake.Server) map[string]int {
	n := map[string]int{}
	for _, c := range f.Calls() {
		n[c.Kind]++
	}
	return n
}

func TestCallsPerOperation(t *testing.T) {
	ctx := context.Background()
	write := func(tabs ...sheets.Tab) func(t *testing.T, s *google.Sheet, snap *sheets.Snapshot) {
		return func(t *testing.T, s *google.Sheet, snap *sheets.Snapshot) {
			if err := s.Write(ctx, snap, tabs, nil); err != nil {
				t.Fatalf("Write: %v", err)
			}
		}
	}
	cases := []struct {
		name    string
		prepare func(t *testing.T, s *google.Sheet)
		// run gets a snapshot read before the calls are counted.
		run              func(t *testing.T, s *google.Sheet, snap *sheets.Snapshot)
		gets, batchCalls int
	}{
		{name: "read is one get", gets: 1,
			run: func(t *testing.T, s *google.Sheet, _ *sheets.Snapshot) {
				mustRead(t, s, "Partners", "Meetings", "Missing")
			}},
		{name: "write of new tabs is one batchUpdate", batchCalls: 1,
			run: write(outTab("Priorities", 3), outTab("Owners", 2))},
		{name: "write over existing managed tabs is one batchUpdate", batchCalls: 1,
			prepare: func(t *testing.T, s *google.Sheet) {
				mustWrite(t, s, nil, outTab("Priorities", 3), outTab("Owners", 2))
			},
			run: write(outTab("Priorities", 5), outTab("Owners", 1))},
		{name: "refused write makes no call",
			run: func(t *testing.T, s *google.Sheet, snap *sheets.Snapshot) {
				var u *sheets.UnmanagedTabError
				if err := s.Write(ctx, snap, []sheets.Tab{outTab("Partners", 1)}, nil); !errors.As(err, &u) {
					t.Fatalf("Write over Partners = %v; want *sheets.UnmanagedTabError", err)
				}
			}},
		{name: "AddInputTabs is one get and one batchUpdate", gets: 1, batchCalls: 1,
			run: func(t *testing.T, s *google.Sheet, _ *sheets.Snapshot) {
				if _, err := s.AddInputTabs(ctx, []sheets.InputTab{
					{Name: "Members", Header: []string{"Name"}}, {Name: "Assets", Header: []string{"Member", "Asset"}}}); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "AddInputTabs with nothing missing is one get", gets: 1,
			run: func(t *testing.T, s *google.Sheet, _ *sheets.Snapshot) {
				if _, err := s.AddInputTabs(ctx, []sheets.InputTab{{Name: "Partners", Header: []string{"Name"}}}); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, f := newFakeSheet(t, inputs)
			if tc.prepare != nil {
				tc.prepare(t, s)
			}
			snap := mustRead(t, s)
			f.ResetCalls()
			tc.run(t, s, snap)
			got := count(f)
			if got[fake.KindGet] != tc.gets || got[fake.KindBatchUpdate] != tc.batchCalls {
				t.Errorf("calls: %d get, %d batchUpdate; want %d get, %d batchUpdate",
					got[fake.KindGet], got[fake.KindBatchUpdate], tc.gets, tc.batchCalls)
			}
		})
	}
}

func TestFaultsAreSurvived(t *testing.T) {
	cases := []struct {
		name   string
		faults []fake.Fault
		counts []int // how many of each fault
		calls  int   // attempts expected in all
	}{
		{name: "a storm of five 429s then OK", faults: []fake.Fault{{Status: 429, RetryAfter: "1"}}, counts: []int{5}, calls: 6},
		{name: "500 then 503 then OK", faults: []fake.Fault{{Status: 500}, {Status: 503}}, counts: []int{1, 1}, calls: 3},
		{name: "502 and 504 gateways are retried", faults: []fake.Fault{{Status: 502}, {Status: 504}}, counts: []int{1, 1}, calls: 3},
		{name: "a connection reset is retried", faults: []fake.Fault{{Reset: true}}, counts: []int{2}, calls: 3},
		{name: "truncated JSON is retried", faults: []fake.Fault{{Truncate: true}}, counts: []int{1}, calls: 2},
		{name: "malformed JSON is retried", faults: []fake.Fault{{Malformed: true}}, counts: []int{1}, calls: 2},
		{name: "a hung call times out and is retried", faults: []fake.Fault{{Delay: 5 * time.Second}}, counts: []int{1}, calls: 2},
	}
	for _, op := range []string{fake.KindGet, fake.KindBatchUpdate} {
		for _, tc := range cases {
			t.Run(op+": "+tc.name, func(t *testing.T) {
				var mu sync.Mutex
				var statuses []int
				s, f := newFakeSheet(t, inputs, func(o *google.Options) {
					o.AttemptTimeout = 100 * time.Millisecond
					o.OnRequest = func(method string, status int) {
						mu.Lock()
						if method == op {
							statuses = append(statuses, status)
						}
						mu.Unlock()
					}
				})
				if op == fake.KindBatchUpdate {
					// Over an existing managed tab, so a retry of a write that did land is
					// harmless; the lost answer of a write creating tabs has its own test.
					mustWrite(t, s, nil, outTab("Priorities", 5))
				}
				snap := mustRead(t, s)
				mu.Lock()
				statuses = nil
				mu.Unlock()
				f.ResetCalls()
				for i, fl := range tc.faults {
					fl.Kind = op
					f.FailNext(tc.counts[i], fl)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				var err error
				if op == fake.KindGet {
					snap, err = s.Read(ctx, []string{"Partners"})
					if err == nil && len(snap.Tables["Partners"].Rows) != len(sheetstest.Partners().Rows) {
						t.Errorf("Read after faults returned %d Partners rows", len(snap.Tables["Partners"].Rows))
					}
				} else {
					err = s.Write(ctx, snap, []sheets.Tab{outTab("Priorities", 2)}, nil)
				}
				if err != nil {
					t.Fatalf("%s after faults: %v", op, err)
				}
				if n := len(f.CallsOf(op)); n != tc.calls {
					t.Errorf("%d %s calls; want %d", n, op, tc.calls)
				}
				if f.PendingFaults() != 0 {
					t.Errorf("%d injected faults were never hit", f.PendingFaults())
				}
				// net/http itself resends a GET once when a reused connection is reset, so
				// OnRequest may see fewer attempts than the server did, never more.
				if n := len(statuses); n < 2 || n > tc.calls || statuses[n-1] != 200 || statuses[0] == 200 {
					t.Errorf("OnRequest saw statuses %v; want up to %d attempts, failures then 200", statuses, tc.calls)
				}
				if op == fake.KindBatchUpdate {
					if got, _ := f.Cells(sheetID, "Priorities"); len(got) != 3 {
						t.Errorf("Priorities has %d rows after the retried write; want 3", len(got))
					}
				}
			})
		}
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	// With RetryBase 1ms a Retry-After of "60" means 60ms, far above the 2ms backoff cap.
	s, f := newFakeSheet(t, inputs, func(o *google.Options) { o.RetryMax = 2 * time.Millisecond })
	f.FailNext(2, fake.Fault{Status: 429, RetryAfter: "60"})
	mustRead(t, s)
	calls := f.Calls()
	if len(calls) != 3 {
		t.Fatalf("%d calls; want 3", len(calls))
	}
	for i := 1; i < len(calls); i++ {
		if gap := calls[i].Time.Sub(calls[i-1].Time); gap < 60*time.Millisecond {
			t.Errorf("retry %d came %v after the 429; Retry-After asked for 60ms", i, gap)
		}
	}
}

func TestBackoffGrowsBetweenAttempts(t *testing.T) {
	s, f := newFakeSheet(t, inputs, func(o *google.Options) {
		o.RetryBase = 5 * time.Millisecond
		o.RetryMax = time.Second
	})
	f.FailNext(4, fake.Fault{Status: 503})
	mustRead(t, s)
	calls := f.Calls()
	if len(calls) != 5 {
		t.Fatalf("%d calls; want 5", len(calls))
	}
	// The n-th wait is at least 2^n × base: 5, 10, 20, 40 ms.
	for i := 1; i < len(calls); i++ {
		floor := time.Duration(1<<(i-1)) * 5 * time.Millisecond
		if gap := calls[i].Time.Sub(calls[i-1].Time); gap < floor {
			t.Errorf("wait before attempt %d was %v; want at least %v", i+1, gap, floor)
		}
	}
}

func TestClientErrorsFailAtOnce(t *testing.T) {
	cases := []struct {
		name   string
		status int
		want   []string
	}{
		{name: "403 says to share the sheet with the service account as an editor", status: 403,
			want: []string{"access denied", "share the spreadsheet with the service account", "as an editor"}},
		{name: "404 says to check source.spreadsheet_id", status: 404,
			want: []string{"not found", "source.spreadsheet_id"}},
		{name: "401 says to check the credentials", status: 401, want: []string{"source.credentials_file"}},
		{name: "400 carries the API's message", status: 400, want: []string{"Invalid request."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, f := newFakeSheet(t, inputs)
			f.FailNext(1, fake.Fault{Status: tc.status})
			_, err := s.Read(context.Background(), []string{"Partners"})
			if err == nil {
				t.Fatal("Read succeeded; want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if n := len(f.Calls()); n != 1 {
				t.Errorf("%d calls; a %d must not be retried", n, tc.status)
			}
		})
	}
}

func TestUnknownSpreadsheetSaysWhatToCheck(t *testing.T) {
	f := fake.New()
	defer f.Close()
	s, err := google.New(context.Background(), google.Options{SpreadsheetID: "nope", Endpoint: f.URL()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Read(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "source.spreadsheet_id") {
		t.Errorf("Read of a spreadsheet that does not exist = %v; want a hint at source.spreadsheet_id", err)
	}
}

func TestDeadlineStopsRetries(t *testing.T) {
	s, f := newFakeSheet(t, inputs, func(o *google.Options) { o.RetryMax = 20 * time.Millisecond })
	f.FailNext(10_000, fake.Fault{Status: 503})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Read(ctx, []string{"Partners"})
	took := time.Since(start)
	if err == nil {
		t.Fatal("Read succeeded against endless 503s")
	}
	if took > 400*time.Millisecond {
		t.Errorf("Read gave up after %v; the deadline was 150ms", took)
	}
	if !strings.Contains(err.Error(), "503") {
		t.Errorf("error %q does not name the failure that kept recurring", err)
	}
	if n := len(f.Calls()); n < 2 || n > 50 {
		t.Errorf("%d attempts within 150ms; want a few retries, not none or a flood", n)
	}
}

func TestRetryWaitPastDeadlineGivesUpAtOnce(t *testing.T) {
	// A Retry-After beyond the deadline cannot be honoured: give up now with the API's error.
	s, f := newFakeSheet(t, inputs)
	f.FailNext(1, fake.Fault{Status: 429, RetryAfter: "10000"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := s.Read(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "429") {
		t.Errorf("Read = %v; want the 429", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("waited %v for a retry that could not happen before the deadline", took)
	}
}

func TestLimiterGatesEveryAttempt(t *testing.T) {
	// Three tokens that do not come back within the test: every attempt, retries included,
	// must take one. Counting tokens instead of timing the calls keeps a loaded machine from
	// failing the test (the fake's arrival times bunch up behind a slow first connection).
	lim := rate.NewLimiter(rate.Every(time.Hour), 3)
	s, f := newFakeSheet(t, inputs, func(o *google.Options) { o.Limiter = lim })
	f.FailNext(2, fake.Fault{Status: 503})
	mustRead(t, s)
	if n := len(f.Calls()); n != 3 {
		t.Fatalf("%d calls; want 3", n)
	}
	if left := lim.Tokens(); left > 0.5 {
		t.Errorf("%.1f of 3 tokens left after 3 attempts; every attempt should take one", left)
	}
}

// writeRequests decodes the requests of a recorded batchUpdate.
func writeRequests(t *testing.T, c fake.Call) []map[string]json.RawMessage {
	t.Helper()
	var body struct {
		Requests []map[string]json.RawMessage `json:"requests"`
	}
	if err := json.Unmarshal(c.Body, &body); err != nil {
		t.Fatalf("decode batchUpdate body: %v", err)
	}
	return body.Requests
}

func kinds(reqs []map[string]json.RawMessage) []string {
	var out []string
	for _, r := range reqs {
		for k := range r {
			out = append(out, k)
		}
	}
	return out
}

func TestWrittenCellsUseLiteralValues(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	day := time.Date(2026, 5, 17, 0, 0, 0, 0, time.UTC)
	tab := sheets.Tab{Name: "Connections", Rows: [][]sheets.Cell{{
		sheets.TextCell(`=IMPORTXML("http://x", "//a")`), sheets.NumberCell(2.5), sheets.BoolCell(true), sheets.DateCell(day),
	}}}
	f.ResetCalls()
	mustWrite(t, s, nil, tab)
	var batch fake.Call
	for _, c := range f.Calls() {
		if c.Kind == fake.KindBatchUpdate {
			batch = c
		}
	}
	var cells []struct {
		UserEnteredValue  map[string]any `json:"userEnteredValue"`
		UserEnteredFormat struct {
			NumberFormat struct{ Type, Pattern string } `json:"numberFormat"`
		} `json:"userEnteredFormat"`
	}
	for _, r := range writeRequests(t, batch) {
		if raw, ok := r["updateCells"]; ok {
			var uc struct {
				Rows []struct {
					Values json.RawMessage `json:"values"`
				} `json:"rows"`
				Fields string `json:"fields"`
			}
			if err := json.Unmarshal(raw, &uc); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(uc.Rows[0].Values, &cells); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(uc.Fields, "userEnteredValue") || !strings.Contains(uc.Fields, "userEnteredFormat") {
				t.Errorf("updateCells fields = %q; want userEnteredValue and userEnteredFormat", uc.Fields)
			}
		}
	}
	if len(cells) != 4 {
		t.Fatalf("first row has %d cells in the request; want 4", len(cells))
	}
	cases := []struct {
		name, key string
		want      any
	}{
		{"text is a stringValue, never a formula", "stringValue", `=IMPORTXML("http://x", "//a")`},
		{"a number is a numberValue", "numberValue", 2.5},
		{"a bool is a boolValue", "boolValue", true},
		{"a date is a numberValue serial", "numberValue", sheets.Serial(day)},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := cells[i].UserEnteredValue
			if len(v) != 1 || v[tc.key] != tc.want {
				t.Errorf("userEnteredValue = %v; want only %s: %v", v, tc.key, tc.want)
			}
		})
	}
	if nf := cells[3].UserEnteredFormat.NumberFormat; nf.Type != "DATE" || nf.Pattern != "yyyy-mm-dd" {
		t.Errorf("date cell number format = %+v; want DATE yyyy-mm-dd", nf)
	}
}

func TestTimeZoneBecomesLocation(t *testing.T) {
	cases := []struct {
		zone, want string
		warns      bool
	}{
		{"America/Chicago", "America/Chicago", false},
		{"Europe/Berlin", "Europe/Berlin", false},
		{"Mars/Olympus_Mons", "UTC", true},
		{"", "UTC", true},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("zone %q reads as %s", tc.zone, tc.want), func(t *testing.T) {
			f := fake.New()
			defer f.Close()
			f.AddSpreadsheet(sheetID, tc.zone)
			var logs bytes.Buffer
			s, err := google.New(context.Background(), google.Options{SpreadsheetID: sheetID, Endpoint: f.URL(),
				Logger: zerolog.New(&logs)})
			if err != nil {
				t.Fatal(err)
			}
			snap, err := s.Read(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if snap.Location == nil || snap.Location.String() != tc.want {
				t.Errorf("Location = %v; want %s", snap.Location, tc.want)
			}
			if warned := strings.Contains(logs.String(), `"level":"warn"`); warned != tc.warns {
				t.Errorf("warning logged = %v; want %v (logs: %s)", warned, tc.warns, logs.String())
			}
		})
	}
}

// priorState writes two output tabs and returns what the fake holds for them.
func priorState(t *testing.T, s *google.Sheet, f *fake.Server) map[string][][]sheets.Cell {
	t.Helper()
	mustWrite(t, s, nil, outTab("Priorities", 4), outTab("Owners", 3))
	out := map[string][][]sheets.Cell{}
	for _, name := range []string{"Priorities", "Owners"} {
		out[name], _ = f.Cells(sheetID, name)
	}
	return out
}

func TestFailedWriteLeavesOutputsWhole(t *testing.T) {
	cases := []struct {
		name string
		// between runs after the read and before the write, as a volunteer or a fault would.
		between func(t *testing.T, f *fake.Server)
	}{
		{name: "an injected 400 on the batch", between: func(t *testing.T, f *fake.Server) {
			f.FailNext(1, fake.Fault{Kind: fake.KindBatchUpdate, Status: 400})
		}},
		{name: "a tab of a new output's name appears between read and write", between: func(t *testing.T, f *fake.Server) {
			f.AddTab(sheetID, "Follow-ups", [][]sheets.Cell{{sheets.TextCell("a volunteer's tab")}})
		}},
		{name: "an output tab deleted between read and write fails the batch midway", between: func(t *testing.T, f *fake.Server) {
			deleteTab(t, f, "Owners")
		}},
		{name: "retries exhausted by the deadline", between: func(t *testing.T, f *fake.Server) {
			f.FailNext(10_000, fake.Fault{Kind: fake.KindBatchUpdate, Status: 503})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, f := newFakeSheet(t, inputs)
			before := priorState(t, s, f)
			snap := mustRead(t, s)
			tc.between(t, f)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			err := s.Write(ctx, snap, []sheets.Tab{outTab("Priorities", 9), outTab("Follow-ups", 2), outTab("Owners", 1)}, nil)
			if err == nil {
				t.Fatal("Write succeeded; want it to fail")
			}
			t.Logf("write failed as it should: %v", err)
			for name, rows := range before {
				got, ok := f.Cells(sheetID, name)
				if !ok && name == "Owners" && strings.Contains(tc.name, "deleted") {
					continue
				}
				if !slices.EqualFunc(sheetstest.Normalize(got), sheetstest.Normalize(rows), func(a, b []sheets.Cell) bool {
					return slices.EqualFunc(a, b, sheetstest.SameCell)
				}) {
					t.Errorf("%s changed by a failed write:\n got %v\nwant %v", name, got, rows)
				}
			}
			if titles := f.Titles(sheetID); slices.Contains(titles, "Follow-ups") && !strings.Contains(tc.name, "appears") {
				t.Errorf("a failed write still created Follow-ups: tabs %v", titles)
			}
		})
	}
}

// deleteTab removes a tab through the fake's own API, as a person deleting it would.
func deleteTab(t *testing.T, f *fake.Server, title string) {
	t.Helper()
	sh, ok := f.Sheet(sheetID, title)
	if !ok {
		t.Fatalf("no tab %q", title)
	}
	body := fmt.Sprintf(`{"requests":[{"deleteSheet":{"sheetId":%d}}]}`, sh.Properties.SheetId)
	resp, err := httpPost(f.URL()+"/v4/spreadsheets/"+sheetID+":batchUpdate", body)
	if err != nil || resp != 200 {
		t.Fatalf("delete tab %q: status %d, %v", title, resp, err)
	}
}

func TestLostAnswerOfALandedWrite(t *testing.T) {
	cases := []struct {
		name  string
		fault fake.Fault
	}{
		{"connection reset after the batch was applied", fake.Fault{Kind: fake.KindBatchUpdate, Reset: true, AfterApply: true}},
		{"503 after the batch was applied", fake.Fault{Kind: fake.KindBatchUpdate, Status: 503, AfterApply: true}},
		{"answer truncated after the batch was applied", fake.Fault{Kind: fake.KindBatchUpdate, Truncate: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is recognised as done", func(t *testing.T) {
			s, f := newFakeSheet(t, inputs)
			snap := mustRead(t, s)
			f.FailNext(1, tc.fault)
			f.ResetCalls()
			if err := s.Write(context.Background(), snap, []sheets.Tab{outTab("Priorities", 2)}, nil); err != nil {
				t.Fatalf("Write = %v; the first attempt had landed", err)
			}
			got := count(f)
			if got[fake.KindBatchUpdate] != 2 || got[fake.KindGet] != 1 {
				t.Errorf("calls %v; want the retried batchUpdate and one read to check it", got)
			}
			if rows, _ := f.Cells(sheetID, "Priorities"); len(rows) != 3 {
				t.Errorf("Priorities has %d rows; want 3", len(rows))
			}
		})
	}
	t.Run("a clash with a tab someone else created is not mistaken for our write", func(t *testing.T) {
		s, f := newFakeSheet(t, inputs)
		snap := mustRead(t, s)
		f.FailNext(1, fake.Fault{Kind: fake.KindBatchUpdate, Status: 503})
		f.AddTab(sheetID, "Priorities", [][]sheets.Cell{{sheets.TextCell("someone's")}})
		err := s.Write(context.Background(), snap, []sheets.Tab{outTab("Priorities", 2)}, nil)
		if err == nil {
			t.Fatal("Write succeeded although its tab was taken by someone else")
		}
		if rows, _ := f.Cells(sheetID, "Priorities"); len(rows) != 1 {
			t.Errorf("the other tab was changed: %v", rows)
		}
	})
}
