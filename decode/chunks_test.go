package decode

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// TestChunkedDecodingIsTheSinglePass decodes messy generated workbooks (typos, unknown and
// duplicate names, unreadable values, text dates, blank rows) in one pass and cut into 2,
// 3, 7 and 64 chunks, with and without Release, and wants the very same result: records in
// the same order, the same Data Issues in the same order, the same suggestions, the same
// row counts. Run with -race, it also checks the chunks share nothing they write.
func TestChunkedDecodingIsTheSinglePass(t *testing.T) {
	cfg := config.Default()
	messy := workload.Mess{BlankRows: 0.05, Typos: 0.05, CaseSpace: 0.05, Unknown: 0.03, BadValues: 0.05,
		TextDates: 0.4, Duplicates: 0.01, NewLeadRate: 0.1}
	for _, tc := range []struct {
		partners int
		mess     workload.Mess
		seed     uint64
		order    DateOrder
	}{
		{300, messy, 1, MDY},
		{700, messy, 2, DMY},
		{1000, workload.DefaultMess(), 3, MDY},
		{40, messy, 4, MDY}, // fewer meetings than some counts of chunks
	} {
		tabs := workload.Tabs(cfg.Tabs, workload.SizeOf(tc.partners), scoring.DateOf(2026, 11, 23), tc.mess, tc.seed)
		opts := Options{Tabs: TabNames{Partners: cfg.Tabs.Partners, Assets: cfg.Tabs.Assets, Meetings: cfg.Tabs.Meetings, Members: cfg.Tabs.Members},
			DateOrder: tc.order}
		opts.workers = 1
		want := Decode(workload.Tables(tabs), opts)
		if suggested := strings.Count(want.String(), "did you mean"); suggested < tc.partners/20 {
			t.Fatalf("%d partners, seed %d: only %d suggestions in %d issues: the workbook is not messy enough to test with",
				tc.partners, tc.seed, suggested, len(want.Issues))
		}
		// Partners are read in two passes (names, then the other columns) even in one chunk:
		// their issues must still come row by row, as a volunteer reads the tab.
		for i := 1; i < len(want.Issues); i++ {
			if a, b := want.Issues[i-1], want.Issues[i]; a.Tab == b.Tab && a.Row > b.Row {
				t.Fatalf("issue %d comes before the one of an earlier row:\n%s\n%s", i, a, b)
			}
		}
		for _, workers := range []int{0, 2, 3, 7, 64} {
			for _, release := range []bool{false, true} {
				// The meetings' room made ahead, or as the meetings are decoded.
				touchAhead := release == (workers%2 == 0)
				t.Run(fmt.Sprintf("partners=%d/seed=%d/chunks=%d/release=%v/ahead=%v", tc.partners, tc.seed, workers, release, touchAhead), func(t *testing.T) {
					o := opts
					o.workers, o.Release, o.touchAhead = workers, release, touchAhead
					tables := workload.Tables(tabs)
					got := Decode(tables, o)
					if !reflect.DeepEqual(got.Records, want.Records) {
						t.Errorf("records differ from the single pass's")
					}
					if !reflect.DeepEqual(got.Issues, want.Issues) {
						t.Errorf("issues differ from the single pass's:\n%s", diffIssues(got.Issues, want.Issues))
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("result differs from the single pass's (rows %v, want %v)", got.Rows, want.Rows)
					}
					if !release {
						return
					}
					for name, table := range tables {
						for i, row := range table.Rows[1:] {
							if row != nil {
								t.Errorf("%s: row %d still holds its cells", name, i+2)
								break
							}
						}
					}
				})
			}
		}
	}
}

// diffIssues shows the first place two lists of issues part.
func diffIssues(got, want []scoring.Issue) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("issue %d: %s\nwant %s", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("%d issues, want %d", len(got), len(want))
}

// A sheet padded out to a cell in its last row (row 1,048,576) is a million empty rows:
// decode must not make room for a record per row it was given (733 MiB for three tabs of
// three rows each), only per row that holds anything.
func TestEmptyRowsOfAPaddedSheetCostNoRecords(t *testing.T) {
	cfg := config.Default()
	tables := workload.Tables(workload.Tabs(cfg.Tabs, workload.SizeOf(10), scoring.DateOf(2026, 11, 23), workload.DefaultMess(), 1))
	for _, name := range []string{cfg.Tabs.Meetings, cfg.Tabs.Partners, cfg.Tabs.Assets} {
		tb := tables[name]
		rows := make([][]sheets.Cell, 1<<20)
		copy(rows, tb.Rows[:2])
		rows[len(rows)-1] = tb.Rows[1]
		tb.Rows = rows
	}
	opts := Options{Tabs: TabNames{Partners: cfg.Tabs.Partners, Assets: cfg.Tabs.Assets, Meetings: cfg.Tabs.Meetings, Members: cfg.Tabs.Members}}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res := Decode(tables, opts)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("decoding three tabs of three rows each, padded to a million rows, allocated %d MiB", got>>20)
	}
	for _, name := range []string{cfg.Tabs.Meetings, cfg.Tabs.Partners, cfg.Tabs.Assets} {
		if n := res.Rows[name]; n != 2 {
			t.Errorf("%s: %d rows read, want the 2 that hold anything", name, n)
		}
	}
}

// TestNoRoomIsMadeForMeetingsWithAnUnreadableHeader: the meetings' room is made ahead only
// for a tab whose rows can be decoded; 200k rows under a header of nonsense would otherwise
// cost 45 MB of records that never come.
func TestNoRoomIsMadeForMeetingsWithAnUnreadableHeader(t *testing.T) {
	rows := make([][]sheets.Cell, 200_001)
	rows[0] = []sheets.Cell{sheets.TextCell("what"), sheets.TextCell("ever")}
	cell := []sheets.Cell{sheets.TextCell("x")}
	for i := 1; i < len(rows); i++ {
		rows[i] = cell
	}
	tables := map[string]*sheets.Table{"Meetings": {Name: "Meetings", Rows: rows}}
	opts := Options{Tabs: TabNames{Meetings: "Meetings"}}
	opts.touchAhead = true
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res := Decode(tables, opts)
	runtime.ReadMemStats(&after)
	if len(res.Records.Meetings) != 0 {
		t.Fatalf("%d meetings decoded under a header of nonsense", len(res.Records.Meetings))
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
		t.Errorf("decoding allocated %d MB for a tab it cannot read", got>>20)
	}
}
