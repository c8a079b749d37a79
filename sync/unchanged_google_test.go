package sync

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/google/fake"
)

// sectionSheet is a real Google source (against the fake) that remembers which input tabs
// its last read left unparsed.
type sectionSheet struct {
	*google.Sheet
	same []string
}

func (s *sectionSheet) ReadKnown(ctx context.Context, tabs []string, known map[string]string) (*sheets.Snapshot, map[string]string, []string, error) {
	snap, sums, same, err := s.Sheet.ReadKnown(ctx, tabs, known)
	s.same = same
	return snap, sums, same, err
}

// googleCase is a Google Sheet on the fake synced with a memo of its input tabs' sections.
type googleCase struct {
	t     *testing.T
	srv   *fake.Server
	sheet *sectionSheet
	cfg   config.Config
	memo  string
}

func newGoogleCase(t *testing.T) *googleCase {
	t.Helper()
	srv := fake.New()
	t.Cleanup(srv.Close)
	srv.AddSpreadsheet("chapter-1", "Pacific/Auckland")
	srv.AddInputTabs("chapter-1", demo.Workbook(config.Default().Tabs, demo.Day(asOf)))
	cfg := config.Default()
	cfg.Source = config.Source{SpreadsheetID: "chapter-1", Endpoint: srv.URL()}
	cfg.StateDir = t.TempDir()
	s, err := google.New(context.Background(), google.Options{SpreadsheetID: "chapter-1", Endpoint: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return &googleCase{t: t, srv: srv, sheet: &sectionSheet{Sheet: s}, cfg: cfg, memo: MemoPath(cfg.StateDir, cfg.Source)}
}

// sync runs one sync with the memo; it returns the report and the API calls it made.
func (c *googleCase) sync(opts Options) (*Report, []string) {
	c.t.Helper()
	if opts.AsOf.IsZero() {
		opts.AsOf = asOf
	}
	opts.Now, opts.Version = fixedClock(), "test"
	if opts.Memo == "" {
		opts.Memo = c.memo
	}
	c.srv.ResetCalls()
	c.sheet.same = nil
	rep, err := Run(context.Background(), c.cfg, c.sheet, opts)
	if err != nil {
		c.t.Fatalf("sync: %v", err)
	}
	var calls []string
	for _, call := range c.srv.Calls() {
		calls = append(calls, call.Kind)
	}
	return rep, calls
}

func TestAnUnchangedGoogleSyncDoesNotParseTheInputTabs(t *testing.T) {
	c := newGoogleCase(t)
	inputs := inputTabs(c.cfg.Tabs)
	if rep, _ := c.sync(Options{}); !rep.Written {
		t.Fatal("the first sync did not write")
	}
	rep, calls := c.sync(Options{})
	if !rep.Unchanged || !slices.Equal(calls, []string{"get"}) {
		t.Fatalf("second sync: unchanged %v, calls %v", rep.Unchanged, calls)
	}
	var there []string
	for _, name := range inputs {
		if slices.Contains(c.srv.Titles("chapter-1"), name) {
			there = append(there, name)
		}
	}
	slices.Sort(there)
	if len(there) < 4 || !slices.Equal(c.sheet.same, there) {
		t.Fatalf("input tabs left unparsed %v, want all of %v", c.sheet.same, there)
	}
	// What it says is what a sync that parses everything says.
	full, err := Run(context.Background(), c.cfg, c.sheet.Sheet, Options{AsOf: asOf, Now: fixedClock(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	sameUnchangedReport(t, rep, full)

	// A volunteer's edit: parsed, written, in one read and one write.
	c.srv.SetCell("chapter-1", "Partners", 1, 0, sheets.TextCell("Renamed by a volunteer"))
	rep, calls = c.sync(Options{})
	if !rep.Written || len(c.sheet.same) != 0 || !slices.Equal(calls, []string{"get", "batchUpdate"}) {
		t.Fatalf("after an edit: written %v, unparsed %v, calls %v", rep.Written, c.sheet.same, calls)
	}
	found := false
	for _, a := range rep.Result.Assessments {
		found = found || a.Partner.Name == "Renamed by a volunteer"
	}
	if !found {
		t.Error("the volunteer's edit is not in the result")
	}
	if rep, _ := c.sync(Options{}); !rep.Unchanged || len(c.sheet.same) == 0 {
		t.Fatalf("after the write: unchanged %v, unparsed %v", rep.Unchanged, c.sheet.same)
	}

	// Sync Status edited, inputs as they were: the first read finds the inputs unchanged, the
	// outputs must be written, so the inputs are read again in full.
	status, _ := c.srv.Cells("chapter-1", c.cfg.Outputs.SyncStatus)
	for r, row := range status {
		if len(row) > 1 && row[0].String() == render.InputHashItem {
			c.srv.SetCell("chapter-1", c.cfg.Outputs.SyncStatus, r, 1, sheets.TextCell("typed over"))
		}
	}
	rep, calls = c.sync(Options{})
	if !rep.Written || !slices.Equal(calls, []string{"get", "get", "batchUpdate"}) || len(rep.Result.Assessments) == 0 {
		t.Fatalf("Sync Status edited: written %v, calls %v", rep.Written, calls)
	}

	// Another day, --force, --dry-run: full reads as before.
	for _, tc := range []struct {
		name string
		opts Options
	}{{"next day", Options{AsOf: asOf + 1}}, {"dry run", Options{DryRun: true}}, {"forced", Options{Force: true}}} {
		rep, calls := c.sync(tc.opts)
		if len(c.sheet.same) != 0 || rep.Unchanged || calls[0] != "get" {
			t.Errorf("%s: unparsed %v, unchanged %v", tc.name, c.sheet.same, rep.Unchanged)
		}
	}

	// A corrupt memo is a full read.
	if err := os.WriteFile(c.memo, []byte("[]"), 0o600); err != nil {
		t.Fatal(err)
	}
	if rep, _ := c.sync(Options{}); !rep.Unchanged || len(c.sheet.same) != 0 {
		t.Errorf("corrupt memo: unchanged %v, unparsed %v", rep.Unchanged, c.sheet.same)
	}
	if rep, _ := c.sync(Options{}); !rep.Unchanged || len(c.sheet.same) == 0 {
		t.Errorf("after a full read kept a memo again: unchanged %v, unparsed %v", rep.Unchanged, c.sheet.same)
	}
}
