package sync

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// memory is an in-memory spreadsheet that behaves like a backend: reads return copies, writes
// replace managed tabs whole and refuse unmarked ones.
type memory struct {
	tables   map[string]*sheets.Table
	managed  map[string]bool
	order    []string
	writes   int
	writeErr error
}

func newMemory(tabs []sheets.InputTab) *memory {
	m := &memory{tables: map[string]*sheets.Table{}, managed: map[string]bool{}}
	for _, it := range tabs {
		rows := [][]sheets.Cell{{}}
		for _, h := range it.Header {
			rows[0] = append(rows[0], sheets.TextCell(h))
		}
		rows = append(rows, it.Rows...)
		m.put(it.Name, rows, false)
	}
	return m
}

func (m *memory) put(name string, rows [][]sheets.Cell, managed bool) {
	if _, ok := m.tables[name]; !ok {
		m.order = append(m.order, name)
	}
	m.tables[name] = &sheets.Table{Name: name, Rows: rows}
	m.managed[name] = managed
}

func (m *memory) remove(name string) {
	delete(m.tables, name)
	m.order = slices.DeleteFunc(m.order, func(s string) bool { return s == name })
}

func (m *memory) Describe() string { return "memory" }

func (m *memory) Read(_ context.Context, names []string) (*sheets.Snapshot, error) {
	snap := &sheets.Snapshot{Tables: map[string]*sheets.Table{}}
	for _, n := range m.order {
		snap.Tabs = append(snap.Tabs, sheets.TabInfo{Name: n, Managed: m.managed[n]})
		if slices.Contains(names, n) {
			t := *m.tables[n]
			t.Rows = slices.Clone(t.Rows) // the snapshot is the caller's, which may clear its rows
			snap.Tables[n] = &t
		}
	}
	return snap, nil
}

func (m *memory) Write(_ context.Context, _ *sheets.Snapshot, tabs []sheets.Tab, adopt []string) error {
	if m.writeErr != nil {
		return m.writeErr
	}
	for _, t := range tabs {
		if _, ok := m.tables[t.Name]; ok && !m.managed[t.Name] && !slices.Contains(adopt, t.Name) {
			return &sheets.UnmanagedTabError{Tab: t.Name}
		}
	}
	for _, t := range tabs {
		m.put(t.Name, t.Rows, true)
	}
	m.writes++
	return nil
}

var asOf = scoring.DateOf(2026, 11, 23)

func testConfig() config.Config {
	cfg := config.Default()
	cfg.Source.XLSX = "memory.xlsx"
	return cfg
}

func fixedClock() func() time.Time {
	return func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }
}

func demoSource() *memory {
	return newMemory(demo.Workbook(config.Default().Tabs, demo.Day(asOf)))
}

func TestRunWritesEveryEnabledTabAndKeepsInputs(t *testing.T) {
	src := demoSource()
	partnersBefore := fmt.Sprint(src.tables["Partners"].Rows)
	rep, err := Run(context.Background(), testConfig(), src, Options{AsOf: asOf, Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Written || src.writes != 1 {
		t.Fatalf("written=%v writes=%d", rep.Written, src.writes)
	}
	for _, name := range testConfig().Outputs.Enabled() {
		if !src.managed[name] {
			t.Errorf("output %s not written", name)
		}
	}
	if got := fmt.Sprint(src.tables["Partners"].Rows); got != partnersBefore {
		t.Error("the Partners tab changed")
	}
	if len(rep.Result.Assessments) != 16 || rep.Result.Inactive != 1 {
		t.Errorf("active %d inactive %d, want 16 and 1", len(rep.Result.Assessments), rep.Result.Inactive)
	}
	for _, stage := range []string{StageRead, StageDecode, StageScore, StageRender, StageWrite} {
		if _, ok := rep.Stages[stage]; !ok {
			t.Errorf("stage %s not timed", stage)
		}
	}
}

func TestUnchangedInputsAreNotWrittenAgain(t *testing.T) {
	src := demoSource()
	ctx := context.Background()
	first, err := Run(ctx, testConfig(), src, Options{AsOf: asOf, Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, testConfig(), src, Options{AsOf: asOf, Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Unchanged || rep.Written || src.writes != 1 {
		t.Errorf("second run: unchanged=%v written=%v writes=%d", rep.Unchanged, rep.Written, src.writes)
	}
	// It stopped before decoding and scoring, and reports what the first run recorded.
	if len(rep.Result.Assessments) != 0 || len(rep.Issues) != 0 {
		t.Errorf("an unchanged run decoded and scored: %d assessments, %d issues", len(rep.Result.Assessments), len(rep.Issues))
	}
	if _, ok := rep.Stages[StageDecode]; ok {
		t.Error("an unchanged run timed a decode stage")
	}
	if rep.RowsRead() != first.RowsRead() || rep.IssueCount() != first.IssueCount() || rep.Errors() != first.Errors() ||
		rep.Last.Active != len(first.Result.Assessments) || rep.Last.FollowUps != len(first.Result.FollowUps) {
		t.Errorf("unchanged run reports rows %d issues %d errors %d active %d follow-ups %d; the first wrote rows %d issues %d errors %d active %d follow-ups %d",
			rep.RowsRead(), rep.IssueCount(), rep.Errors(), rep.Last.Active, rep.Last.FollowUps,
			first.RowsRead(), first.IssueCount(), first.Errors(), len(first.Result.Assessments), len(first.Result.FollowUps))
	}
	if first.IssueCount() == 0 || first.RowsRead() == 0 {
		t.Fatalf("the demo workbook should have rows and data issues to carry over: rows %d issues %d", first.RowsRead(), first.IssueCount())
	}

	tests := []struct {
		name   string
		change func(*memory, *config.Config, *Options)
	}{
		{"a cell changed", func(m *memory, _ *config.Config, _ *Options) {
			m.tables["Partners"].Rows[1][3] = sheets.TextCell("Opposes")
		}},
		{"a cell of the last input tab changed", func(m *memory, _ *config.Config, _ *Options) {
			m.tables["Members"].Rows[1][0] = sheets.TextCell("Someone New")
		}},
		{"a stance changed for a campaign", func(m *memory, _ *config.Config, _ *Options) {
			m.tables["Stances"].Rows[1][2] = sheets.TextCell("Neutral")
		}},
		{"a campaign won", func(m *memory, _ *config.Config, _ *Options) {
			m.tables["Campaigns"].Rows[1][3] = sheets.TextCell("Won")
		}},
		{"a new day", func(_ *memory, _ *config.Config, o *Options) { o.AsOf = asOf + 1 }},
		{"a scoring setting", func(_ *memory, c *config.Config, _ *Options) { c.Scoring.WindowDays = 90 }},
		{"an output tab deleted", func(m *memory, _ *config.Config, _ *Options) {
			m.remove("Owners")
		}},
		{"forced", func(_ *memory, _ *config.Config, o *Options) { o.Force = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := demoSource()
			cfg := testConfig()
			if _, err := Run(ctx, cfg, src, Options{AsOf: asOf, Now: fixedClock()}); err != nil {
				t.Fatal(err)
			}
			opts := Options{AsOf: asOf, Now: fixedClock()}
			tt.change(src, &cfg, &opts)
			rep, err := Run(ctx, cfg, src, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Written || src.writes != 2 {
				t.Errorf("want a second write: written=%v writes=%d", rep.Written, src.writes)
			}
		})
	}
}

func TestVolunteerTabWithAnOutputNameIsNotOverwritten(t *testing.T) {
	src := demoSource()
	mine := [][]sheets.Cell{{sheets.TextCell("our own priorities list")}}
	src.put("Priorities", mine, false)
	rep, err := Run(context.Background(), testConfig(), src, Options{AsOf: asOf, Now: fixedClock()})
	var ue *sheets.UnmanagedTabError
	if !errors.As(err, &ue) || ue.Tab != "Priorities" {
		t.Fatalf("want an UnmanagedTabError for Priorities, got %v", err)
	}
	if got := src.tables["Priorities"].Rows; fmt.Sprint(got) != fmt.Sprint(mine) {
		t.Error("the volunteer's Priorities tab was overwritten")
	}
	if !src.managed["Follow-ups"] || !rep.Written {
		t.Error("the other tabs should still be written")
	}
	found := false
	for _, row := range src.tables["Data Issues"].Rows {
		if len(row) > 4 && strings.Contains(row[4].Text, "--adopt") {
			found = true
		}
	}
	if !found {
		t.Error("Data Issues does not explain how to adopt or rename the tab")
	}

	// Adopting takes it over.
	if _, err := Run(context.Background(), testConfig(), src, Options{AsOf: asOf, Now: fixedClock(), Adopt: []string{"Priorities"}}); err != nil {
		t.Fatal(err)
	}
	if !src.managed["Priorities"] {
		t.Error("--adopt did not take the tab over")
	}
}

func TestBusyOrChangedWorkbookSkipsTheRun(t *testing.T) {
	for _, cause := range []error{sheets.ErrBusy, sheets.ErrChanged} {
		src := demoSource()
		src.writeErr = fmt.Errorf("wrapped: %w", cause)
		_, err := Run(context.Background(), testConfig(), src, Options{AsOf: asOf, Now: fixedClock()})
		if !errors.Is(err, ErrSkipped) || !errors.Is(err, cause) {
			t.Errorf("%v: want ErrSkipped wrapping the cause, got %v", cause, err)
		}
	}
}

func TestDryRunReportsChangesAndWritesNothing(t *testing.T) {
	src := demoSource()
	rep, err := Run(context.Background(), testConfig(), src, Options{AsOf: asOf, Now: fixedClock(), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if src.writes != 0 || rep.Written {
		t.Fatal("dry run wrote")
	}
	if len(rep.Changes) != len(testConfig().Outputs.Enabled()) {
		t.Fatalf("changes for %d tabs", len(rep.Changes))
	}
	for _, c := range rep.Changes {
		if c.Exists || c.Differ == 0 {
			t.Errorf("%s: want a new tab with rows, got %+v", c.Tab, c)
		}
	}
}

func TestMissingPartnersTabFailsClearly(t *testing.T) {
	src := demoSource()
	src.remove("Partners")
	_, err := Run(context.Background(), testConfig(), src, Options{AsOf: asOf})
	if err == nil || !strings.Contains(err.Error(), "partnermap init") {
		t.Fatalf("want a message pointing at init, got %v", err)
	}
}

func TestOutputsCanBeTurnedOff(t *testing.T) {
	src := demoSource()
	cfg := testConfig()
	cfg.Outputs.PowerMap = ""
	if _, err := Run(context.Background(), cfg, src, Options{AsOf: asOf, Now: fixedClock()}); err != nil {
		t.Fatal(err)
	}
	if _, ok := src.tables["Power Map"]; ok {
		t.Error("a turned-off tab was written")
	}
}

func TestAsOfDefaultsToTodayInTheConfiguredZone(t *testing.T) {
	src := demoSource()
	cfg := testConfig()
	cfg.Timezone = "Pacific/Auckland" // UTC+13 in November: 23:30 UTC is already the next day there
	late := func() time.Time { return time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC) }
	rep, err := Run(context.Background(), cfg, src, Options{Now: late})
	if err != nil {
		t.Fatal(err)
	}
	if want := scoring.DateOf(2026, 11, 24); rep.AsOf != want {
		t.Errorf("as-of %s, want %s", rep.AsOf, want)
	}
}

// TestInputTabsFollowTheConfig checks the tabs read and hashed come from every field of
// config.Tabs, so a tab added there is covered without another edit.
func TestInputTabsFollowTheConfig(t *testing.T) {
	tabs := config.Tabs{Partners: "P", Assets: "A", Meetings: "M", Members: "P"}
	if got, want := inputTabs(tabs), []string{"P", "A", "M"}; !slices.Equal(got, want) {
		t.Errorf("inputTabs = %q, want %q (each name once, in field order)", got, want)
	}
	v := reflect.ValueOf(config.Tabs{})
	for i := range v.NumField() {
		if v.Field(i).Kind() != reflect.String {
			t.Errorf("config.Tabs.%s is not a tab name: inputTabs would skip it", v.Type().Field(i).Name)
		}
	}
}

// A clash is one failure, worded once, whatever the run: a dry run (check), a sync that
// writes the other tabs, and the next sync that finds nothing changed.
func TestAClashIsTheSameFailureInEveryKindOfRun(t *testing.T) {
	src := demoSource()
	src.put("Owners", [][]sheets.Cell{{sheets.TextCell("our own list")}}, false)
	want := `output tab "Owners" was not written: a tab "Owners" that partnermap did not create has its name, and it was left as it is; ` +
		`the other outputs are written. Rename or delete that tab, set outputs.owners to another name, or let partnermap take it over with --adopt "Owners"`
	for _, run := range []struct {
		name string
		opts Options
	}{{"dry run", Options{DryRun: true}}, {"sync", Options{}}, {"unchanged sync", Options{}}} {
		opts := run.opts
		opts.AsOf, opts.Now = asOf, fixedClock()
		rep, err := Run(context.Background(), testConfig(), src, opts)
		var tnw *TabsNotWrittenError
		if !errors.As(err, &tnw) || err.Error() != want {
			t.Fatalf("%s: err = %v\nwant %s", run.name, err, want)
		}
		for _, tab := range rep.Tabs {
			if tab.Name == "Owners" {
				t.Errorf("%s: the clashing tab is among the tabs to write", run.name)
			}
		}
		if run.name == "unchanged sync" && !rep.Unchanged {
			t.Errorf("%s: want nothing written", run.name)
		}
	}
	if !src.managed["Follow-ups"] || src.managed["Owners"] {
		t.Error("only the clashing tab is to be skipped")
	}
}

// Sync Status's Duration and the console's figure differed with no word why: the tab shows
// the time to read and compute (it is made before the save), and the report carries that
// same figure apart from the whole run's.
func TestSyncStatusDurationIsTheReportsComputedTime(t *testing.T) {
	src := demoSource()
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	tick := func() time.Time { at = at.Add(7 * time.Millisecond); return at }
	rep, err := Run(context.Background(), testConfig(), src, Options{AsOf: asOf, Now: tick})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Computed <= 0 || rep.Duration <= rep.Computed {
		t.Fatalf("computed %s, whole run %s: want 0 < computed < whole", rep.Computed, rep.Duration)
	}
	want := rep.Computed.String() + " to read and compute (saving the tabs comes after)"
	for _, row := range src.tables["Sync Status"].Rows {
		if len(row) > 1 && row[0].Text == "Duration" {
			if row[1].Text != want {
				t.Errorf("Sync Status Duration %q, want %q", row[1].Text, want)
			}
			return
		}
	}
	t.Error("Sync Status has no Duration row")
}
