package sync

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// countedBook is a real workbook that counts its reads: a sync decided from the memo must
// not read (open, unpack, parse) the workbook at all.
type countedBook struct {
	*xlsx.Workbook
	reads int
	// afterWrite, when set, runs once a write has placed its file: a person saving then.
	afterWrite func()
}

func (b *countedBook) Read(ctx context.Context, tabs []string) (*sheets.Snapshot, error) {
	b.reads++
	return b.Workbook.Read(ctx, tabs)
}

func (b *countedBook) WriteFingerprinted(ctx context.Context, snap *sheets.Snapshot, tabs []sheets.Tab, adopt []string) (string, error) {
	fp, err := b.Workbook.WriteFingerprinted(ctx, snap, tabs, adopt)
	if err == nil && b.afterWrite != nil {
		b.afterWrite()
	}
	return fp, err
}

// memoCase is one workbook synced with a memo in its own state folder.
type memoCase struct {
	t    *testing.T
	path string
	book *countedBook
	cfg  config.Config
	memo string
}

func newMemoCase(t *testing.T, fixture string) *memoCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, fixture)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Source = config.Source{XLSX: path}
	cfg.StateDir = filepath.Join(dir, "state")
	return &memoCase{t: t, path: path, book: &countedBook{Workbook: xlsx.New(path, xlsx.DefaultOptions())}, cfg: cfg,
		memo: MemoPath(cfg.StateDir, cfg.Source)}
}

// defaults fills in what every run of a case shares: the day, the clock and the version.
func defaults(opts Options) Options {
	if opts.AsOf.IsZero() && opts.Now == nil {
		opts.AsOf = asOf
	}
	if opts.Now == nil {
		opts.Now = fixedClock()
	}
	if opts.Version == "" {
		opts.Version = "test"
	}
	return opts
}

// sync runs one sync with the memo and returns its report and how many reads it made.
func (c *memoCase) sync(opts Options) (*Report, int) {
	c.t.Helper()
	opts = defaults(opts)
	if opts.Memo == "" {
		opts.Memo = c.memo
	}
	before := c.book.reads
	rep, err := Run(context.Background(), c.cfg, c.book, opts)
	if err != nil {
		c.t.Fatalf("sync: %v", err)
	}
	return rep, c.book.reads - before
}

// full runs the same sync without a memo: what it says is what the memo must have said.
func (c *memoCase) full(opts Options) *Report {
	c.t.Helper()
	opts = defaults(opts)
	opts.Memo = ""
	rep, err := Run(context.Background(), c.cfg, xlsx.New(c.path, xlsx.DefaultOptions()), opts)
	if err != nil {
		c.t.Fatalf("full sync: %v", err)
	}
	return rep
}

// edit changes the workbook as a person would in a spreadsheet program.
func (c *memoCase) edit(sheet, cell, value string) {
	c.t.Helper()
	f, err := excelize.OpenFile(c.path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer f.Close()
	if err := f.SetCellStr(sheet, cell, value); err != nil {
		c.t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		c.t.Fatal(err)
	}
}

// checkMemo syncs once more and checks that the memo said what a full read says: unchanged
// (the same report) when it was used, else a sync that writes.
func (c *memoCase) checkMemo(opts Options) {
	c.t.Helper()
	rep, reads := c.sync(opts)
	switch {
	case reads == 0:
		sameUnchangedReport(c.t, rep, c.full(opts))
	case !rep.Written:
		c.t.Errorf("a full read found the workbook unchanged, but the memo did not say so")
	}
}

// sameUnchangedReport checks a recalled report says what the full run's does.
func sameUnchangedReport(t *testing.T, got, want *Report) {
	t.Helper()
	if !got.Unchanged || !want.Unchanged {
		t.Fatalf("unchanged: recalled %v, full %v", got.Unchanged, want.Unchanged)
	}
	if got.AsOf != want.AsOf || got.InputHash != want.InputHash || got.RowsRead() != want.RowsRead() ||
		got.Errors() != want.Errors() || got.IssueCount() != want.IssueCount() || got.Last.Active != want.Last.Active ||
		got.Last.FollowUps != want.Last.FollowUps || got.Last.Overdue != want.Last.Overdue || got.Source != want.Source {
		t.Errorf("recalled report %+v\nfull report %+v", got, want)
	}
}

func TestAnUnchangedSyncIsDecidedFromTheFingerprintWithoutReading(t *testing.T) {
	c := newMemoCase(t, "messy.xlsx")
	first, reads := c.sync(Options{})
	if !first.Written || reads != 1 {
		t.Fatalf("first sync: written %v, reads %d", first.Written, reads)
	}
	written, err := os.ReadFile(c.path)
	if err != nil {
		t.Fatal(err)
	}
	again, reads := c.sync(Options{})
	if reads != 0 || !again.Recalled || !again.Unchanged || again.Written {
		t.Fatalf("second sync: reads %d, recalled %v, unchanged %v, written %v; want an unchanged sync that does not read",
			reads, again.Recalled, again.Unchanged, again.Written)
	}
	if now, _ := os.ReadFile(c.path); string(now) != string(written) {
		t.Error("an unchanged sync changed the workbook")
	}
	// What the memo said is what reading the workbook in full says.
	sameUnchangedReport(t, again, c.full(Options{}))
	if again.Errors() == 0 {
		t.Error("messy.xlsx has error-level issues: --strict must still see them")
	}
	// A memo kept from a full unchanged decision works the same.
	if err := os.Remove(c.memo); err != nil {
		t.Fatal(err)
	}
	if rep, reads := c.sync(Options{}); reads != 1 || rep.Recalled || !rep.Unchanged {
		t.Fatalf("without a memo: reads %d, recalled %v, unchanged %v", reads, rep.Recalled, rep.Unchanged)
	}
	if rep, reads := c.sync(Options{}); reads != 0 || !rep.Recalled {
		t.Fatalf("after a full unchanged sync kept its memo: reads %d, recalled %v", reads, rep.Recalled)
	}
	// A file whose bytes are the same but whose time is not is still unchanged.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(c.path, later, later); err != nil {
		t.Fatal(err)
	}
	if rep, reads := c.sync(Options{}); reads != 0 || !rep.Recalled {
		t.Fatalf("touched: reads %d, recalled %v", reads, rep.Recalled)
	}
}

// Every change that can make a sync write, or change what it says, is a full sync as before.
func TestAnythingDifferentIsAFullSync(t *testing.T) {
	day2 := asOf + 1
	cases := []struct {
		name string
		// change is made after a sync that wrote and one decided from the memo.
		change func(c *memoCase) Options
		// written is what the full sync does: write, or find the workbook unchanged.
		written bool
	}{
		{"--force", func(c *memoCase) Options { return Options{Force: true} }, true},
		{"--dry-run", func(c *memoCase) Options { return Options{DryRun: true} }, false},
		{"history --rebuild", func(c *memoCase) Options { return Options{Force: true, RebuildSince: asOf - 28} }, true},
		{"a config change", func(c *memoCase) Options { c.cfg.Scoring.WindowDays++; return Options{} }, true},
		{"a config change that changes no output", func(c *memoCase) Options { c.cfg.Log.Level = "debug"; return Options{} }, false},
		{"another version", func(c *memoCase) Options { return Options{Version: "next"} }, true},
		{"a new day", func(c *memoCase) Options { return Options{AsOf: day2} }, true},
		{"a volunteer's edit", func(c *memoCase) Options { c.edit("Partners", "A2", "Renamed by a volunteer"); return Options{} }, true},
		{"an edit to an output tab", func(c *memoCase) Options { c.edit("Priorities", "B5", "typed over"); return Options{} }, false},
		{"a changed Sync Status", func(c *memoCase) Options { c.edit("Sync Status", "B21", "typed over"); return Options{} }, true},
		{"a restored backup", func(c *memoCase) Options {
			backups, err := filepath.Glob(strings.TrimSuffix(c.path, ".xlsx") + ".*.bak.xlsx")
			if err != nil || len(backups) != 1 {
				c.t.Fatalf("backups %v, %v", backups, err)
			}
			data, err := os.ReadFile(backups[0])
			if err != nil {
				c.t.Fatal(err)
			}
			if err := os.WriteFile(c.path, data, 0o600); err != nil {
				c.t.Fatal(err)
			}
			return Options{}
		}, true},
		{"a corrupt memo", func(c *memoCase) Options {
			if err := os.WriteFile(c.memo, []byte("{not json"), 0o600); err != nil {
				c.t.Fatal(err)
			}
			return Options{}
		}, false},
		{"a memo of another format", func(c *memoCase) Options {
			data, err := os.ReadFile(c.memo)
			if err != nil {
				c.t.Fatal(err)
			}
			if err := os.WriteFile(c.memo, []byte(strings.Replace(string(data), `"format":1`, `"format":99`, 1)), 0o600); err != nil {
				c.t.Fatal(err)
			}
			return Options{}
		}, false},
		{"another workbook's memo", func(c *memoCase) Options {
			other := newMemoCase(c.t, "relationships.xlsx")
			other.sync(Options{})
			data, err := os.ReadFile(other.memo)
			if err != nil {
				c.t.Fatal(err)
			}
			if err := os.WriteFile(c.memo, data, 0o600); err != nil {
				c.t.Fatal(err)
			}
			return Options{}
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newMemoCase(t, "messy.xlsx")
			if rep, _ := c.sync(Options{}); !rep.Written {
				t.Fatal("the first sync did not write")
			}
			if rep, reads := c.sync(Options{}); !rep.Recalled || reads != 0 {
				t.Fatalf("the second sync was not decided from the memo (reads %d)", reads)
			}
			opts := tc.change(c)
			rep, reads := c.sync(opts)
			if reads != 1 || rep.Recalled {
				t.Fatalf("reads %d, recalled %v: want a full sync", reads, rep.Recalled)
			}
			if rep.Written != tc.written || rep.Unchanged == (tc.written || opts.DryRun) {
				t.Errorf("written %v, unchanged %v; want written %v", rep.Written, rep.Unchanged, tc.written)
			}
			if opts.DryRun {
				return
			}
			// And after it, the memo says what a full read says (a rebuilt History is written
			// once more: the hash Sync Status holds was made from the History before it).
			next := opts
			next.Force, next.RebuildSince = false, 0
			c.checkMemo(next)
		})
	}
}

// The as-of day of a memo is compared in the zone the day is computed in: here the
// configured one, twelve hours off UTC, so a clock in the same UTC day is another day there.
func TestTheMemosDayIsTheDayInTheSyncsZone(t *testing.T) {
	c := newMemoCase(t, "messy.xlsx")
	c.cfg.Timezone = "Pacific/Auckland"
	at := func(h int) Options {
		return Options{Now: func() time.Time { return time.Date(2026, 11, 23, h, 0, 0, 0, time.UTC) }}
	}
	rep, _ := c.sync(at(5)) // 18:00 on the 23rd in Auckland
	if !rep.Written || rep.AsOf != scoring.DateOf(2026, 11, 23) {
		t.Fatalf("first sync: written %v, as of %s", rep.Written, rep.AsOf)
	}
	if rep, reads := c.sync(at(9)); reads != 0 || !rep.Recalled || rep.AsOf != scoring.DateOf(2026, 11, 23) {
		t.Fatalf("same day in Auckland: reads %d, recalled %v, as of %s", reads, rep.Recalled, rep.AsOf)
	}
	rep, reads := c.sync(at(13)) // 02:00 on the 24th in Auckland, still the 23rd in UTC
	if reads != 1 || rep.Recalled || !rep.Written || rep.AsOf != scoring.DateOf(2026, 11, 24) {
		t.Fatalf("next day in Auckland: reads %d, recalled %v, written %v, as of %s", reads, rep.Recalled, rep.Written, rep.AsOf)
	}
}

// A person saving the workbook just after partnermap placed its own must not have their
// bytes taken for partnermap's: the next sync reads their edit and writes.
func TestAVolunteerSaveJustAfterAWriteIsSynced(t *testing.T) {
	c := newMemoCase(t, "messy.xlsx")
	c.book.afterWrite = func() {
		c.book.afterWrite = nil
		c.edit("Partners", "A2", "Renamed just after the write")
	}
	if rep, _ := c.sync(Options{}); !rep.Written {
		t.Fatal("the first sync did not write")
	}
	rep, reads := c.sync(Options{})
	if reads != 1 || rep.Recalled || !rep.Written {
		t.Fatalf("reads %d, recalled %v, written %v: the volunteer's save must be synced", reads, rep.Recalled, rep.Written)
	}
	found := false
	for _, a := range rep.Result.Assessments {
		found = found || a.Partner.Name == "Renamed just after the write"
	}
	if !found {
		t.Error("the volunteer's edit is not in the result")
	}
}

// The memo kept after a write says what a full read of the written workbook finds, for
// every fixture and a History that keep_days prunes: kept exactly when that read finds it
// unchanged, with the same report.
func TestTheMemoAfterAWriteIsWhatAFullReadFinds(t *testing.T) {
	for _, fixture := range []string{"messy.xlsx", "relationships.xlsx", "campaigns.xlsx", "digest.xlsx", "misspelt.xlsx"} {
		for _, keep := range []int{0, 7} {
			t.Run(fixture+" keep_days "+string(rune('0'+keep)), func(t *testing.T) {
				c := newMemoCase(t, fixture)
				c.cfg.History.KeepDays = keep
				// Two weeks of History first, so keep_days has rows to drop.
				for _, d := range []scoring.Date{asOf - 14, asOf} {
					if rep, _ := c.sync(Options{AsOf: d, Force: true}); !rep.Written {
						t.Fatalf("sync of %s did not write", d)
					}
				}
				_, err := os.Stat(c.memo)
				if kept := err == nil; !kept && keep == 0 {
					t.Fatal("without keep_days the written workbook must be found unchanged, and the memo kept")
				}
				c.checkMemo(Options{})
			})
		}
	}
}

// A History cell the file cannot hold exactly (Excel's 2.3333333333333335 for =7/3, read
// from text into a number) is rounded by the write, so the next read differs from the tabs
// as rendered: no memo may be kept from the rendered tabs then.
func TestNoMemoAfterAWriteOfCellsTheFileAlters(t *testing.T) {
	c := newMemoCase(t, "messy.xlsx")
	c.sync(Options{AsOf: asOf - 7, Force: true})
	c.edit("History", "E3", "2.3333333333333335") // Support of a past row
	if rep, _ := c.sync(Options{}); !rep.Written {
		t.Fatal("the edited History was not synced")
	}
	c.checkMemo(Options{})
}

// A memo that cannot be read or kept is logged and costs a full sync, never the sync itself.
func TestAMemoThatCannotBeUsedIsLoggedNotFatal(t *testing.T) {
	c := newMemoCase(t, "messy.xlsx")
	var logged strings.Builder
	log := zerolog.New(&logged)
	if err := os.MkdirAll(filepath.Dir(c.memo), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.memo, []byte("\x00garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if rep, reads := c.sync(Options{Logger: log}); !rep.Written || reads != 1 {
		t.Fatalf("written %v, reads %d", rep.Written, reads)
	}
	if !strings.Contains(logged.String(), "memo of the last unchanged sync ignored") {
		t.Errorf("the corrupt memo was not logged: %s", logged.String())
	}
	// A memo path where no file can be written: the sync is done all the same.
	logged.Reset()
	blocked := filepath.Join(t.TempDir(), "a file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c.memo = filepath.Join(blocked, "memo.json")
	if rep, _ := c.sync(Options{Logger: log, Force: true}); !rep.Written {
		t.Fatal("the sync did not write")
	}
	if !strings.Contains(logged.String(), "not kept") {
		t.Errorf("the memo that could not be kept was not logged: %s", logged.String())
	}
}

// TestBeforeReadIsCalledOnlyForAFullRead: a one-shot command sets its heap up there, which a
// sync recalled from its memo does not need.
func TestBeforeReadIsCalledOnlyForAFullRead(t *testing.T) {
	c := newMemoCase(t, "messy.xlsx")
	calls := 0
	opts := Options{BeforeRead: func() { calls++ }}
	if _, reads := c.sync(opts); reads != 1 || calls != 1 {
		t.Fatalf("first sync: reads %d, BeforeRead called %d times; want 1 and 1", reads, calls)
	}
	if rep, reads := c.sync(opts); reads != 0 || !rep.Recalled || calls != 1 {
		t.Fatalf("recalled sync: reads %d, recalled %v, BeforeRead called %d times in all; want it not called again", reads, rep.Recalled, calls)
	}
}
