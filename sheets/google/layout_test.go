package google_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/google/fake"
)

// mustSheet fetches a tab as the fake stores it.
func mustSheet(t *testing.T, f *fake.Server, title string) *sheetsapi.Sheet {
	t.Helper()
	sh, ok := f.Sheet(sheetID, title)
	if !ok {
		t.Fatalf("no tab %q", title)
	}
	return sh
}

func cellAt(sh *sheetsapi.Sheet, r, c int) *sheetsapi.CellData {
	rows := sh.Data[0].RowData
	if r >= len(rows) || c >= len(rows[r].Values) {
		return &sheetsapi.CellData{}
	}
	return rows[r].Values[c]
}

func hasMarker(sh *sheetsapi.Sheet) bool {
	for _, m := range sh.DeveloperMetadata {
		if m.MetadataKey == google.MarkerKey && m.Visibility == "DOCUMENT" {
			return true
		}
	}
	return false
}

func lastBatch(t *testing.T, f *fake.Server) []string {
	t.Helper()
	calls := f.CallsOf(fake.KindBatchUpdate)
	if len(calls) == 0 {
		t.Fatal("no batchUpdate was sent")
	}
	return kinds(writeRequests(t, calls[len(calls)-1]))
}

func TestNewOutputTabLayout(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	tab := sheets.Tab{Name: "Follow-ups", FrozenRows: 2, BoldRows: []int{1},
		Rows: [][]sheets.Cell{
			{sheets.TextCell("Legend: red is overdue")},
			{sheets.TextCell("Owner"), sheets.TextCell("Partner"), sheets.TextCell("Due")},
			{sheets.TextCell("Ada"), sheets.TextCell("Parks"), sheets.DateCell(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))},
		},
		Widths:     []float64{10, 0, 20},
		Highlights: []sheets.Highlight{{Row: 2, Col: 2, Tone: sheets.ToneAlert}, {Row: 3, Col: 4, Tone: sheets.ToneMuted}},
	}
	mustWrite(t, s, nil, tab)
	sh := mustSheet(t, f, "Follow-ups")
	gp := sh.Properties.GridProperties

	checks := []struct {
		name string
		ok   bool
	}{
		{"grid fits the rows and the highlight below them (4×5)", gp.RowCount == 4 && gp.ColumnCount == 5},
		{"legend and header rows are frozen", gp.FrozenRowCount == 2},
		{"the tab carries partnermap's marker", hasMarker(sh)},
		{"the tab is protected with a warning only", len(sh.ProtectedRanges) == 1 && sh.ProtectedRanges[0].WarningOnly &&
			sh.ProtectedRanges[0].Range.SheetId == sh.Properties.SheetId},
		{"header row is bold", cellAt(sh, 1, 0).UserEnteredFormat.TextFormat.Bold},
		{"other rows are not bold", cellAt(sh, 2, 0).UserEnteredFormat == nil},
		{"alert highlight is #F4C7C3", colorIs(cellAt(sh, 2, 2).UserEnteredFormat, 0xF4, 0xC7, 0xC3)},
		{"a highlight past the rows still lands (muted #E7E6E6)", colorIs(cellAt(sh, 3, 4).UserEnteredFormat, 0xE7, 0xE6, 0xE6)},
		{"highlighted date keeps its date format", cellAt(sh, 2, 2).UserEnteredFormat.NumberFormat.Type == "DATE"},
		{"a set width is 7px a character plus padding", sh.Data[0].ColumnMetadata[0].PixelSize == 75},
		{"a width of 0 leaves the column alone", sh.Data[0].ColumnMetadata[1].PixelSize == 0},
		{"widths go past the first column", sh.Data[0].ColumnMetadata[2].PixelSize == 145},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not so", c.name)
		}
	}
	order := lastBatch(t, f)
	if order[0] != "addSheet" || slices.Index(order, "updateCells") < slices.Index(order, "addProtectedRange") {
		t.Errorf("request order %v; want addSheet, marker and protection, then cells", order)
	}
}

func colorIs(f *sheetsapi.CellFormat, r, g, b int) bool {
	if f == nil || f.BackgroundColor == nil {
		return false
	}
	near := func(x float64, want int) bool { d := x*255 - float64(want); return d < 0.5 && d > -0.5 }
	return near(f.BackgroundColor.Red, r) && near(f.BackgroundColor.Green, g) && near(f.BackgroundColor.Blue, b)
}

func TestRewriteResizesBeforeWriting(t *testing.T) {
	wide := func(rows, cols int) sheets.Tab {
		tab := sheets.Tab{Name: "Priorities"}
		for r := range rows {
			row := make([]sheets.Cell, cols)
			for c := range row {
				row[c] = sheets.IntCell(r*cols + c)
			}
			tab.Rows = append(tab.Rows, row)
		}
		return tab
	}
	cases := []struct {
		name       string
		rows, cols int
	}{
		{name: "growing past the default 1000×26 grid works", rows: 1100, cols: 30},
		{name: "shrinking columns cuts columns before rows", rows: 1200, cols: 2},
		{name: "shrinking rows only", rows: 3, cols: 2},
	}
	s, f := newFakeSheet(t, inputs)
	mustWrite(t, s, nil, wide(2, 2))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mustWrite(t, s, nil, wide(tc.rows, tc.cols))
			gp := mustSheet(t, f, "Priorities").Properties.GridProperties
			if gp.RowCount != int64(tc.rows) || gp.ColumnCount != int64(tc.cols) {
				t.Errorf("grid %d×%d; want %d×%d", gp.RowCount, gp.ColumnCount, tc.rows, tc.cols)
			}
			rows, _ := f.Cells(sheetID, "Priorities")
			if len(rows) != tc.rows || len(rows[tc.rows-1]) != tc.cols {
				t.Errorf("stored %d rows; want %d of %d cells", len(rows), tc.rows, tc.cols)
			}
			order := lastBatch(t, f)
			if slices.Index(order, "updateSheetProperties") > slices.Index(order, "updateCells") {
				t.Errorf("request order %v: the grid must be resized before cells are written", order)
			}
		})
	}
}

func TestShrinkingColumnsFirstStaysUnderTheCellLimit(t *testing.T) {
	// The output tab is 10×18000 = 180k cells and another tab takes 9.9M. Growing rows to
	// 20 before cutting columns would reach 10.26M cells and fail the batch.
	s, f := newFakeSheet(t, inputs)
	mustWrite(t, s, nil, outTab("Priorities", 1))
	f.SetGrid(sheetID, "Priorities", 10, 18000)
	f.AddTab(sheetID, "Archive", nil)
	f.SetGrid(sheetID, "Archive", 990_000, 10)
	mustWrite(t, s, nil, outTab("Priorities", 19))
	gp := mustSheet(t, f, "Priorities").Properties.GridProperties
	if gp.RowCount != 20 || gp.ColumnCount != 2 {
		t.Errorf("grid %d×%d; want 20×2", gp.RowCount, gp.ColumnCount)
	}
}

func TestAdoptMarksAndProtectsOnce(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	// Partners is the first tab, so it has sheet id 0: the id must still be sent.
	mustWrite(t, s, []string{"Partners"}, outTab("Partners", 2))
	mustWrite(t, s, nil, outTab("Partners", 3))
	sh := mustSheet(t, f, "Partners")
	if sh.Properties.SheetId != 0 {
		t.Fatalf("test premise: Partners has sheet id %d, want 0", sh.Properties.SheetId)
	}
	if !hasMarker(sh) {
		t.Errorf("adopted tab has no marker")
	}
	if len(sh.DeveloperMetadata) != 1 || len(sh.ProtectedRanges) != 1 {
		t.Errorf("after two writes: %d markers, %d protections; want one of each",
			len(sh.DeveloperMetadata), len(sh.ProtectedRanges))
	}
	if rows, _ := f.Cells(sheetID, "Partners"); len(rows) != 4 {
		t.Errorf("adopted tab has %d rows; want 4", len(rows))
	}
}

func TestTabNamesMatchRegardlessOfCase(t *testing.T) {
	t.Run("a managed tab in another case is reused and renamed", func(t *testing.T) {
		s, f := newFakeSheet(t, inputs)
		mustWrite(t, s, nil, outTab("priorities", 1))
		mustWrite(t, s, nil, outTab("Priorities", 2))
		titles := f.Titles(sheetID)
		if !slices.Contains(titles, "Priorities") || slices.Contains(titles, "priorities") {
			t.Errorf("tabs %v; want the managed tab renamed to Priorities", titles)
		}
	})
	t.Run("an unmanaged tab in another case is refused", func(t *testing.T) {
		s, _ := newFakeSheet(t, inputs)
		err := s.Write(context.Background(), mustRead(t, s), []sheets.Tab{outTab("PARTNERS", 1)}, nil)
		if u, ok := err.(*sheets.UnmanagedTabError); !ok || u.Tab != "Partners" {
			t.Errorf("Write PARTNERS = %v; want UnmanagedTabError naming Partners", err)
		}
	})
}

func TestWriteNeedsItsOwnSnapshot(t *testing.T) {
	s, _ := newFakeSheet(t, inputs)
	other, _ := newFakeSheet(t, inputs)
	snap := mustRead(t, other)
	if err := s.Write(context.Background(), snap, []sheets.Tab{outTab("Priorities", 1)}, nil); err == nil {
		t.Errorf("Write accepted a snapshot another source read")
	}
	if err := s.Write(context.Background(), &sheets.Snapshot{}, []sheets.Tab{outTab("Priorities", 1)}, nil); err == nil {
		t.Errorf("Write accepted a snapshot no Read made")
	}
}

func TestAddInputTabsLayout(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	members := sheets.InputTab{Name: "Members", Header: []string{"Name", "Email", "Role", "Joined"},
		Notes:       []string{"Full name", "", "Leader or Member"},
		Validations: []sheets.Validation{{Col: 2, Values: []string{"Leader", "Member"}}},
		Rows: [][]sheets.Cell{{sheets.TextCell("Ada Example"), sheets.TextCell("=HYPERLINK(\"x\")"), sheets.TextCell("Leader"),
			sheets.DateCell(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))}},
		Widths: []float64{20}}
	added, err := s.AddInputTabs(context.Background(), []sheets.InputTab{members})
	if err != nil || !slices.Equal(added, []string{"Members"}) {
		t.Fatalf("AddInputTabs = %v, %v", added, err)
	}
	sh := mustSheet(t, f, "Members")
	v := cellAt(sh, 5, 2).DataValidation
	checks := []struct {
		name string
		ok   bool
	}{
		{"header is frozen", sh.Properties.GridProperties.FrozenRowCount == 1},
		{"header is bold", cellAt(sh, 0, 3).UserEnteredFormat.TextFormat.Bold},
		{"header cells carry their notes", cellAt(sh, 0, 0).Note == "Full name" && cellAt(sh, 0, 2).Note == "Leader or Member"},
		{"dropdown below the header", v != nil && v.Condition.Type == "ONE_OF_LIST" && len(v.Condition.Values) == 2 && v.ShowCustomUi},
		{"no dropdown on the header", cellAt(sh, 0, 2).DataValidation == nil},
		{"no dropdown on other columns", cellAt(sh, 5, 1).DataValidation == nil},
		{"example text stays text", cellAt(sh, 1, 1).UserEnteredValue.StringValue != nil},
		{"example date is a date", cellAt(sh, 1, 3).UserEnteredFormat.NumberFormat.Type == "DATE"},
		{"an input tab has no marker", !hasMarker(sh)},
		{"room for volunteers to add rows", sh.Properties.GridProperties.RowCount >= 1000},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not so", c.name)
		}
	}
}

func TestOversizedWriteIsRefusedWithoutACall(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	// A staged write splits between rows (TestWriteOverTheRequestLimitIsStaged): one row
	// over the limit cannot be sent.
	big := sheets.Tab{Name: "Data Issues", Rows: [][]sheets.Cell{nil}}
	long := sheets.TextCell(strings.Repeat("x", 1<<20))
	for range 11 {
		big.Rows[0] = append(big.Rows[0], long)
	}
	snap := mustRead(t, s)
	f.ResetCalls()
	err := s.Write(context.Background(), snap, []sheets.Tab{big}, nil)
	if err == nil || !strings.Contains(err.Error(), "8.0 MiB a call may carry") {
		t.Errorf("Write of an 11 MiB row = %v; want a refusal naming the 8 MiB limit", err)
	}
	if n := len(f.Calls()); n != 0 {
		t.Errorf("%d calls made for a batch the API would refuse", n)
	}
}
