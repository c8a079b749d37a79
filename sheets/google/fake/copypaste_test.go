package fake_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/api/googleapi"
	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google/fake"
)

func TestCopyPaste(t *testing.T) {
	const src, dst = "Source", "Dest"
	formula := `=IMPORTXML("http://x", "//a")`
	seed := func(t *testing.T) (*fake.Server, *sheetsapi.Service, int64, int64) {
		f, srv := setup(t)
		sid := f.AddTab(id, src, [][]sheets.Cell{
			{sheets.TextCell(formula), sheets.NumberCell(2)},
			{sheets.DateCell(sheets.FromSerial(46000)), {}},
		})
		f.SetGrid(id, src, 2, 2)
		did := f.AddTab(id, dst, [][]sheets.Cell{{sheets.TextCell("old"), sheets.TextCell("old")}, {sheets.TextCell("old"), sheets.TextCell("old")}})
		f.SetGrid(id, dst, 4, 3)
		return f, srv, sid, did
	}
	grid := func(sheetID, r0, r1, c0, c1 int64) *sheetsapi.GridRange {
		return &sheetsapi.GridRange{SheetId: sheetID, StartRowIndex: r0, EndRowIndex: r1, StartColumnIndex: c0, EndColumnIndex: c1,
			ForceSendFields: []string{"SheetId", "StartRowIndex", "StartColumnIndex"}}
	}
	paste := func(from, to *sheetsapi.GridRange, kind string) *sheetsapi.Request {
		return &sheetsapi.Request{CopyPaste: &sheetsapi.CopyPasteRequest{Source: from, Destination: to, PasteType: kind}}
	}
	t.Run("PASTE_NORMAL copies cells as stored: text stays text, formats and blanks too", func(t *testing.T) {
		f, srv, sid, did := seed(t)
		if _, err := srv.Spreadsheets.BatchUpdate(id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: []*sheetsapi.Request{
			paste(grid(sid, 0, 2, 0, 2), grid(did, 0, 2, 0, 2), "PASTE_NORMAL")}}).Do(); err != nil {
			t.Fatal(err)
		}
		sh, _ := f.Sheet(id, dst)
		rows := sh.Data[0].RowData
		if v := rows[0].Values[0].UserEnteredValue; v.StringValue == nil || *v.StringValue != formula || v.FormulaValue != nil {
			t.Errorf("pasted %+v; want the text %q", v, formula)
		}
		if nf := rows[1].Values[0].UserEnteredFormat; nf == nil || nf.NumberFormat.Type != "DATE" {
			t.Errorf("date format not pasted: %+v", nf)
		}
		if c := rows[1].Values[1]; c.UserEnteredValue != nil {
			t.Errorf("a blank source cell left %+v; want it cleared", c.UserEnteredValue)
		}
	})
	t.Run("a destination that is a multiple of the source repeats it", func(t *testing.T) {
		f, srv, sid, did := seed(t)
		if _, err := srv.Spreadsheets.BatchUpdate(id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: []*sheetsapi.Request{
			paste(grid(sid, 0, 1, 1, 2), grid(did, 0, 4, 2, 3), "PASTE_VALUES")}}).Do(); err != nil {
			t.Fatal(err)
		}
		rows, _ := f.Cells(id, dst)
		for r := range 4 {
			if len(rows[r]) < 3 || rows[r][2].Num != 2 {
				t.Errorf("row %d: %v; want 2 pasted in column C", r, rows[r])
			}
		}
	})
	bad := []struct {
		name string
		req  *sheetsapi.Request
		want string
	}{
		{"a destination too small for the source past the grid's edge",
			paste(grid(1, 0, 2, 0, 2), grid(2, 3, 4, 0, 1), "PASTE_NORMAL"), "exceeds grid limits"},
		{"a source beyond its grid", paste(grid(1, 0, 3, 0, 2), grid(2, 0, 3, 0, 2), "PASTE_NORMAL"), "exceeds grid limits"},
		{"a missing source tab", paste(grid(99, 0, 1, 0, 1), grid(2, 0, 1, 0, 1), "PASTE_NORMAL"), "No grid with id: 99"},
	}
	for _, tc := range bad {
		t.Run(tc.name+" fails the whole batch", func(t *testing.T) {
			f, srv, sid, did := seed(t)
			fix := func(g *sheetsapi.GridRange) {
				switch g.SheetId {
				case 1:
					g.SheetId = sid
				case 2:
					g.SheetId = did
				}
			}
			fix(tc.req.CopyPaste.Source)
			fix(tc.req.CopyPaste.Destination)
			before, _ := f.Cells(id, dst)
			write := &sheetsapi.Request{UpdateCells: &sheetsapi.UpdateCellsRequest{Start: &sheetsapi.GridCoordinate{SheetId: did},
				Rows: []*sheetsapi.RowData{{Values: []*sheetsapi.CellData{fake.CellData(sheets.TextCell("new"))}}}, Fields: "userEnteredValue"}}
			_, err := srv.Spreadsheets.BatchUpdate(id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: []*sheetsapi.Request{write, tc.req}}).Do()
			var ge *googleapi.Error
			if !errors.As(err, &ge) || ge.Code != 400 || !strings.Contains(ge.Message, tc.want) {
				t.Fatalf("err = %v; want 400 %q", err, tc.want)
			}
			if after, _ := f.Cells(id, dst); after[0][0] != before[0][0] {
				t.Errorf("the batch's first request was applied: %v", after[0][0])
			}
		})
	}
}

func TestHiddenTabs(t *testing.T) {
	f, srv := setup(t)
	hide := func(sheetID int64) *sheetsapi.Request {
		return &sheetsapi.Request{UpdateSheetProperties: &sheetsapi.UpdateSheetPropertiesRequest{
			Properties: &sheetsapi.SheetProperties{SheetId: sheetID, Hidden: true, ForceSendFields: []string{"SheetId"}}, Fields: "hidden"}}
	}
	ss, err := srv.Spreadsheets.Get(id).Do()
	if err != nil {
		t.Fatal(err)
	}
	var all []*sheetsapi.Request
	for _, sh := range ss.Sheets {
		all = append(all, hide(sh.Properties.SheetId))
	}
	_, err = srv.Spreadsheets.BatchUpdate(id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: all}).Context(context.Background()).Do()
	if err == nil || !strings.Contains(err.Error(), "hide all the sheets") {
		t.Errorf("hiding every tab: err = %v; want a refusal", err)
	}
	add := &sheetsapi.Request{AddSheet: &sheetsapi.AddSheetRequest{Properties: &sheetsapi.SheetProperties{
		SheetId: 77, Title: "staging", Hidden: true}}}
	if _, err := srv.Spreadsheets.BatchUpdate(id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: []*sheetsapi.Request{add}}).Do(); err != nil {
		t.Fatalf("adding a hidden tab: %v", err)
	}
	if sh, ok := f.Sheet(id, "staging"); !ok || !sh.Properties.Hidden {
		t.Errorf("the added tab is not hidden")
	}
	del := &sheetsapi.Request{DeleteSheet: &sheetsapi.DeleteSheetRequest{SheetId: 77, ForceSendFields: []string{"SheetId"}}}
	if _, err := srv.Spreadsheets.BatchUpdate(id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: []*sheetsapi.Request{del}}).Do(); err != nil {
		t.Fatalf("deleting the hidden tab: %v", err)
	}
	if _, ok := f.Sheet(id, "staging"); ok {
		t.Errorf("the hidden tab is still there")
	}
}
