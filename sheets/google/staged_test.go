package google_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnermap/partnermap/internal/longtest"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/google/fake"
	"github.com/partnermap/partnermap/sheets/sheetstest"
)

// stageLimit is the request size the staged tests split at: small, so a few hundred rows
// need several calls.
const stageLimit = 16 << 10

const formulaText = `=IMPORTXML("http://evil.example", "//a")`

// bigOutputs are output tabs like a sync's: a power map with its chart, a long table of
// text, numbers, dates, booleans, bold rows, highlights and widths with formula-looking
// text in it, and a short one. n sets the long table's rows.
func bigOutputs(n int) []sheets.Tab {
	pri := sheets.Tab{Name: "Priorities", FrozenRows: 1, BoldRows: []int{0}, Widths: []float64{30, 8, 12, 8, 40},
		Rows: [][]sheets.Cell{{sheets.TextCell("Partner"), sheets.TextCell("Score"), sheets.TextCell("Due"),
			sheets.TextCell("Active"), sheets.TextCell("Next step")}}}
	for i := range n {
		due := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
		if i%7 == 3 {
			due = due.Add(14*time.Hour + 30*time.Minute)
		}
		next := fmt.Sprintf("Call partner %d about the housing vote", i+1)
		if i%50 == 17 {
			next = formulaText
		}
		pri.Rows = append(pri.Rows, []sheets.Cell{sheets.TextCell(fmt.Sprintf("Partner %d", i+1)),
			sheets.NumberCell(float64(i%13) / 4), sheets.DateCell(due), sheets.BoolCell(i%2 == 0), sheets.TextCell(next)})
		if i%5 == 0 {
			pri.Highlights = append(pri.Highlights, sheets.Highlight{Row: i + 1, Col: 2, Tone: sheets.ToneAlert})
		}
	}
	// A highlight past the last column: the grid grows to hold it.
	pri.Highlights = append(pri.Highlights, sheets.Highlight{Row: 2, Col: 6, Tone: sheets.ToneInfo})
	issues := outTab("Data Issues", 3)
	return []sheets.Tab{powerMapTab("Power Map"), pri, issues}
}

// stored is every tab of the fake as JSON, with the ids the server picks at random (of
// metadata and protected ranges) left out, so two fakes that took different paths compare.
func stored(t *testing.T, f *fake.Server) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, title := range f.Titles(sheetID) {
		sh, ok := f.Sheet(sheetID, title)
		if !ok {
			t.Fatalf("no tab %q", title)
		}
		for _, m := range sh.DeveloperMetadata {
			m.MetadataId = 0
		}
		for _, p := range sh.ProtectedRanges {
			p.ProtectedRangeId = 0
		}
		b, err := json.Marshal(sh)
		if err != nil {
			t.Fatal(err)
		}
		out[title] = string(b)
	}
	return out
}

// sameTabs fails when the two fakes' tabs differ.
func sameTabs(t *testing.T, got, want map[string]string) {
	t.Helper()
	var gotTitles, wantTitles []string
	for k := range got {
		gotTitles = append(gotTitles, k)
	}
	for k := range want {
		wantTitles = append(wantTitles, k)
	}
	slices.Sort(gotTitles)
	slices.Sort(wantTitles)
	if !slices.Equal(gotTitles, wantTitles) {
		t.Fatalf("tabs %q; want %q", gotTitles, wantTitles)
	}
	for _, k := range wantTitles {
		if got[k] != want[k] {
			t.Errorf("tab %q differs:\n got %.600s\nwant %.600s", k, diffFrom(got[k], want[k]), diffFrom(want[k], got[k]))
		}
	}
}

// diffFrom is a from the first byte where it differs from b, with some context.
func diffFrom(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[max(i-120, 0):]
}

func batchBodies(f *fake.Server) [][]byte {
	var out [][]byte
	for _, c := range f.CallsOf(fake.KindBatchUpdate) {
		out = append(out, c.Body)
	}
	return out
}

func hasRequest(body []byte, kind string) bool { return strings.Contains(string(body), `{"`+kind+`":`) }

func TestStagedWriteMatchesOneBatch(t *testing.T) {
	ctx := context.Background()
	one, oneFake := newFakeSheet(t, inputs)
	s, f := newFakeSheet(t, inputs)
	staged := google.StagedAbove(s, stageLimit)
	rounds := []struct {
		name string
		tabs []sheets.Tab
	}{
		{"new output tabs", bigOutputs(300)},
		{"a rewrite that grows them", bigOutputs(500)},
		{"a rewrite that shrinks them", bigOutputs(150)},
	}
	for _, round := range rounds {
		t.Run(round.name, func(t *testing.T) {
			mustWrite(t, one, nil, round.tabs...)
			oneBody := batchBodies(oneFake)
			total := len(oneBody[len(oneBody)-1])
			if total <= stageLimit {
				t.Fatalf("the one batch is %d bytes, not over the %d the test stages at", total, stageLimit)
			}

			snap, err := staged.Read(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			f.ResetCalls()
			if err := staged.Write(ctx, snap, round.tabs, nil); err != nil {
				t.Fatalf("staged Write: %v", err)
			}
			sameTabs(t, stored(t, f), stored(t, oneFake))

			bodies := batchBodies(f)
			least := (total + stageLimit - 1) / stageLimit
			if n := len(bodies); n < least || n > least+1 {
				t.Errorf("%d calls for a %d-byte write split at %d; want %d or %d", n, total, stageLimit, least, least+1)
			}
			for i, b := range bodies {
				if len(b) > stageLimit {
					t.Errorf("call %d carries %d bytes, over the %d limit", i+1, len(b), stageLimit)
				}
			}
			first, final := bodies[0], bodies[len(bodies)-1]
			if !strings.Contains(string(first), `"hidden":true`) || !strings.Contains(string(first), google.StagingKey) {
				t.Errorf("the first call does not add hidden staging tabs marked %s", google.StagingKey)
			}
			if !hasRequest(final, "copyPaste") || !hasRequest(final, "deleteSheet") {
				t.Errorf("the final call does not copy from staging tabs and delete them")
			}
			for i, b := range bodies[:len(bodies)-1] {
				if hasRequest(b, "copyPaste") || hasRequest(b, "addChart") || hasRequest(b, "updateChartSpec") {
					t.Errorf("staging call %d touches the output tabs", i+1)
				}
			}
		})
	}

	rows, _ := f.Cells(sheetID, "Priorities")
	found := 0
	for _, row := range rows {
		for _, c := range row {
			if c.Kind == sheets.Text && strings.Contains(c.Text, "IMPORTXML") {
				found++
				if c.Text != formulaText {
					t.Errorf("formula-looking text copied as %q; want the text %q", c.Text, formulaText)
				}
			}
		}
	}
	if found == 0 {
		t.Error("no formula-looking text found in the written tab")
	}
}

// failingTransport makes the fake fail batchUpdate calls from the (after+1)-th on while armed:
// each attempt of such a call gets fault.
type failingTransport struct {
	f     *fake.Server
	mu    sync.Mutex
	armed bool
	after int // successful batchUpdate attempts to let through first
	done  int
	fault fake.Fault
	once  bool // fail one attempt only
	// giveUp cancels the write's context once this many attempts have failed, as a
	// deadline would while a fault outlasts the retries.
	giveUp int
	failed int
	cancel context.CancelFunc
	// before, when set, runs before each batchUpdate attempt with the count of those that
	// succeeded so far.
	before func(done int)
}

func (ft *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	batch := r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, ":batchUpdate")
	ft.mu.Lock()
	before, done := ft.before, ft.done
	ft.mu.Unlock()
	if batch && before != nil {
		before(done)
	}
	ft.mu.Lock()
	injected := batch && ft.armed && ft.done >= ft.after
	if injected {
		ft.f.FailNext(1, ft.fault)
		ft.armed = !ft.once
		ft.failed++
		if ft.giveUp > 0 && ft.failed >= ft.giveUp {
			// The sync gives up (its deadline) while the fault lasts.
			defer ft.cancel()
		}
	}
	ft.mu.Unlock()
	resp, err := http.DefaultTransport.RoundTrip(r)
	if batch && err == nil && resp.StatusCode == http.StatusOK {
		ft.mu.Lock()
		ft.done++
		ft.mu.Unlock()
	}
	return resp, err
}

func (ft *failingTransport) arm(after int, fault fake.Fault) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	ft.armed, ft.after, ft.done, ft.fault, ft.failed = true, after, 0, fault, 0
}

func (ft *failingTransport) disarm() {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	ft.armed = false
}

func newFailingSheet(t *testing.T) (*google.Sheet, *fake.Server, *failingTransport) {
	t.Helper()
	ft := &failingTransport{}
	s, f := newFakeSheet(t, inputs, func(o *google.Options) { o.HTTPClient = &http.Client{Transport: ft} })
	ft.f = f
	return s, f, ft
}

func stagingTitles(f *fake.Server) []string {
	var out []string
	for _, title := range f.Titles(sheetID) {
		if strings.HasPrefix(title, "partnermap staging") {
			out = append(out, title)
		}
	}
	return out
}

func TestStagedWriteFailureLeavesOldOutputsWhole(t *testing.T) {
	unavailable := fake.Fault{Kind: fake.KindBatchUpdate, Status: http.StatusServiceUnavailable}
	refused := fake.Fault{Kind: fake.KindBatchUpdate, Status: http.StatusBadRequest}
	cases := []struct {
		name  string
		after int // successful calls of the staged write before the failing one
		fault fake.Fault
		final bool
	}{
		{"a 5xx outlasting retries on the first staging call", 0, unavailable, false},
		{"a 400 on the first staging call", 0, refused, false},
		{"a 5xx outlasting retries on a later staging call", 1, unavailable, false},
		{"a 400 on a later staging call", 2, refused, false},
		{"a 5xx outlasting retries on the final call", -1, unavailable, true},
		{"a 400 on the final call", -1, refused, true},
	}
	next := bigOutputs(250)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, f, ft := newFailingSheet(t)
			staged := google.StagedAbove(s, stageLimit)
			mustWrite(t, s, nil, bigOutputs(100)...)
			before := stored(t, f)

			snap := mustRead(t, s)
			after := tc.after
			if tc.final {
				after = stagedCalls(t, next) - 1
			}
			wctx, cancel := context.WithCancel(ctx)
			ft.arm(after, tc.fault)
			ft.mu.Lock()
			ft.giveUp, ft.cancel = 3, cancel
			ft.mu.Unlock()
			err := staged.Write(wctx, snap, next, nil)
			cancel()
			ft.disarm()
			if n := f.PendingFaults(); n != 0 {
				t.Fatalf("%d injected faults not taken: the write failed before reaching them: %v", n, err)
			}
			if err == nil {
				t.Fatal("staged Write succeeded through the fault")
			}
			if got := len(f.CallsOf(fake.KindBatchUpdate)); tc.fault.Status == http.StatusBadRequest && got != 1+after+1 {
				t.Errorf("%d batchUpdate calls; want the setup's, %d that succeeded and the refused one", got, after)
			}
			after1 := stored(t, f)
			for title, want := range before {
				if after1[title] != want {
					t.Errorf("tab %q changed although the staged write failed", title)
				}
			}
			left := stagingTitles(f)
			if (after > 0) != (len(left) > 0) {
				t.Errorf("staging tabs left %q after %d successful staging calls", left, after)
			}
			for _, title := range left {
				sh, _ := f.Sheet(sheetID, title)
				if !sh.Properties.Hidden {
					t.Errorf("staging tab %q is visible", title)
				}
			}
			if !strings.Contains(err.Error(), "unchanged") {
				t.Errorf("error %q does not say the outputs are unchanged", err)
			}

			// The next sync writes the new outputs and clears what the failed one left.
			mustWriteTo(t, staged, next)
			if left := stagingTitles(f); len(left) > 0 {
				t.Errorf("staging tabs %q left after the next sync", left)
			}
			want, wantFake := newFakeSheet(t, inputs)
			mustWrite(t, want, nil, bigOutputs(100)...)
			mustWrite(t, want, nil, next...)
			sameTabs(t, stored(t, f), stored(t, wantFake))
		})
	}
}

// stagedCalls is how many calls a staged write of tabs takes over the outputs of
// bigOutputs(100).
func stagedCalls(t *testing.T, tabs []sheets.Tab) int {
	t.Helper()
	s, f := newFakeSheet(t, inputs)
	mustWrite(t, s, nil, bigOutputs(100)...)
	f.ResetCalls()
	mustWriteTo(t, google.StagedAbove(s, stageLimit), tabs)
	return len(f.CallsOf(fake.KindBatchUpdate))
}

func mustWriteTo(t *testing.T, src sheets.Source, tabs []sheets.Tab) {
	t.Helper()
	snap, err := src.Read(context.Background(), nil)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if err := src.Write(context.Background(), snap, tabs, nil); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func TestOneBatchWriteClearsLeftStagingTabs(t *testing.T) {
	s, f, ft := newFailingSheet(t)
	snap := mustRead(t, s)
	ft.arm(1, fake.Fault{Kind: fake.KindBatchUpdate, Status: http.StatusBadRequest})
	if err := google.StagedAbove(s, stageLimit).Write(context.Background(), snap, bigOutputs(250), nil); err == nil {
		t.Fatal("staged Write succeeded through the fault")
	}
	ft.disarm()
	if len(stagingTitles(f)) == 0 {
		t.Fatal("the failed staged write left no staging tabs to clear")
	}
	mustWrite(t, s, nil, outTab("Priorities", 3))
	if left := stagingTitles(f); len(left) > 0 {
		t.Errorf("staging tabs %q left after a one-batch write", left)
	}
}

func TestStagedWriteSurvivesLostAnswers(t *testing.T) {
	lost := fake.Fault{Kind: fake.KindBatchUpdate, Status: http.StatusServiceUnavailable, AfterApply: true}
	next := bigOutputs(250)
	cases := []struct {
		name  string
		after int
	}{
		{"the first staging call landed", 0},
		{"a later staging call landed", 1},
		{"the final call landed", stagedCalls(t, next) - 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, f, ft := newFailingSheet(t)
			mustWrite(t, s, nil, bigOutputs(100)...)
			snap := mustRead(t, s)
			ft.arm(tc.after, lost)
			ft.mu.Lock()
			ft.once = true
			ft.mu.Unlock()
			staged := google.StagedAbove(s, stageLimit)
			if err := staged.Write(context.Background(), snap, next, nil); err != nil {
				t.Fatalf("staged Write after a lost answer: %v", err)
			}
			want, wantFake := newFakeSheet(t, inputs)
			mustWrite(t, want, nil, bigOutputs(100)...)
			mustWrite(t, want, nil, next...)
			sameTabs(t, stored(t, f), stored(t, wantFake))
		})
	}
}

func TestConcurrentStagedWritesNeverMix(t *testing.T) {
	s, f, ft := newFailingSheet(t)
	other, err := google.New(context.Background(), google.Options{SpreadsheetID: sheetID, Endpoint: f.URL(),
		RetryBase: time.Millisecond, RetryMax: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, s, nil, bigOutputs(100)...)
	mine, theirs := bigOutputs(250), bigOutputs(200)
	calls := stagedCalls(t, mine)
	snap := mustRead(t, s)
	ran := false
	ft.mu.Lock()
	ft.before = func(done int) {
		if done == calls-1 && !ran {
			// Another process writes whole, staging included, just before this final call.
			ran = true
			snap, err := other.Read(context.Background(), nil)
			if err == nil {
				err = google.StagedAbove(other, stageLimit).Write(context.Background(), snap, theirs, nil)
			}
			if err != nil {
				t.Errorf("the other write: %v", err)
			}
		}
	}
	ft.mu.Unlock()
	err = google.StagedAbove(s, stageLimit).Write(context.Background(), snap, mine, nil)
	if !ran {
		t.Fatal("the other write never ran")
	}
	if err == nil {
		t.Fatal("the write whose staging tabs the other write deleted succeeded")
	}
	want, wantFake := newFakeSheet(t, inputs)
	mustWrite(t, want, nil, bigOutputs(100)...)
	mustWrite(t, want, nil, theirs...)
	sameTabs(t, stored(t, f), stored(t, wantFake))
}

func TestStagedWriteOverTheCellLimitIsRefusedWithoutACall(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	// The inputs fill the spreadsheet but for 20,000 cells: the outputs fit, staging does not.
	f.SetGrid(sheetID, "Meetings", 99_700, 100)
	snap := mustRead(t, s)
	f.ResetCalls()
	err := google.StagedAbove(s, stageLimit).Write(context.Background(), snap, bigOutputs(600), nil)
	if err == nil || !strings.Contains(err.Error(), "10,000,000 cells") {
		t.Errorf("Write = %v; want a refusal naming the limit of 10,000,000 cells", err)
	}
	if n := len(f.Calls()); n != 0 {
		t.Errorf("%d calls made for a write the API would refuse", n)
	}
}

func TestWriteOverTheRequestLimitIsStaged(t *testing.T) {
	longtest.Skip(t, "sends 9 MiB through the fake; the staged tests above use a small limit")
	s, f := newFakeSheet(t, inputs)
	big := sheets.Tab{Name: "Data Issues"}
	long := sheets.TextCell(strings.Repeat("x", 1<<20))
	for range 9 {
		big.Rows = append(big.Rows, []sheets.Cell{long})
	}
	snap := mustRead(t, s)
	f.ResetCalls()
	if err := s.Write(context.Background(), snap, []sheets.Tab{big}, nil); err != nil {
		t.Fatalf("Write of a 9 MiB tab: %v", err)
	}
	bodies := batchBodies(f)
	if len(bodies) != 2 {
		t.Errorf("%d calls for a 9 MiB write; want 2 (one staging call, the final one)", len(bodies))
	}
	for i, b := range bodies {
		if len(b) > 8<<20 {
			t.Errorf("call %d carries %d bytes, over 8 MiB", i+1, len(b))
		}
	}
	rows, _ := f.Cells(sheetID, "Data Issues")
	if len(rows) != 9 || rows[8][0].Text != long.Text {
		t.Errorf("the tab holds %d rows; want the 9 written", len(rows))
	}
}

func TestConformanceStaged(t *testing.T) {
	h, fakes := fakeHarness(func(s *google.Sheet) sheets.Source { return google.StagedAbove(s, 0) })
	sheetstest.Run(t, h)
	copied := 0
	for _, f := range fakes() {
		for _, b := range batchBodies(f) {
			if hasRequest(b, "copyPaste") {
				copied++
			}
		}
	}
	if copied == 0 {
		t.Error("no write of the suite went through staging tabs")
	}
}
