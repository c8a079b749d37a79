package fake_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google/fake"
)

const id = "book"

// setup starts a fake with two tabs and a real generated client pointed at it.
func setup(t *testing.T) (*fake.Server, *sheetsapi.Service) {
	t.Helper()
	f := fake.New()
	t.Cleanup(f.Close)
	f.AddSpreadsheet(id, "Europe/Paris")
	f.AddTab(id, "Partners", [][]sheets.Cell{
		{sheets.TextCell("Name"), sheets.TextCell("Alignment"), sheets.TextCell("Notes")},
		{sheets.TextCell("Parks"), sheets.IntCell(3)},
		{},
		{sheets.TextCell("Lone")},
		{},
	})
	f.AddTab(id, "My Notes", [][]sheets.Cell{{sheets.TextCell("x"), sheets.BoolCell(true)}})
	f.AddTab(id, "Empty", nil)
	srv, err := sheetsapi.NewService(context.Background(), option.WithEndpoint(f.URL()+"/"), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	return f, srv
}

func titles(ss *sheetsapi.Spreadsheet) []string {
	var out []string
	for _, sh := range ss.Sheets {
		out = append(out, sh.Properties.Title)
	}
	return out
}

func TestGetRanges(t *testing.T) {
	_, srv := setup(t)
	t.Run("ranges drop the tabs they do not touch", func(t *testing.T) {
		ss, err := srv.Spreadsheets.Get(id).Ranges("'My Notes'!A1:B2").IncludeGridData(true).Do()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(titles(ss), ","); got != "My Notes" {
			t.Errorf("tabs %q; want only My Notes", got)
		}
	})
	t.Run("a range naming a missing tab fails the whole call", func(t *testing.T) {
		_, err := srv.Spreadsheets.Get(id).Ranges("Partners!A1:C", "Missing!A1:B2").Do()
		var ge *googleapi.Error
		if !errors.As(err, &ge) || ge.Code != 400 || !strings.Contains(ge.Message, "Unable to parse range: Missing!A1:B2") {
			t.Errorf("err = %v; want 400 Unable to parse range", err)
		}
	})
	t.Run("a range clips the data and says where it starts", func(t *testing.T) {
		ss, err := srv.Spreadsheets.Get(id).Ranges("Partners!B2:C4").IncludeGridData(true).Do()
		if err != nil {
			t.Fatal(err)
		}
		gd := ss.Sheets[0].Data[0]
		if gd.StartRow != 1 || gd.StartColumn != 1 || len(gd.RowData) != 1 || *gd.RowData[0].Values[0].EffectiveValue.NumberValue != 3 {
			t.Errorf("grid data %+v; want one row starting at B2 holding 3", gd)
		}
	})
}

func TestGetFieldsAndRaggedRows(t *testing.T) {
	_, srv := setup(t)
	t.Run("without a mask or includeGridData there is no data", func(t *testing.T) {
		ss, err := srv.Spreadsheets.Get(id).Do()
		if err != nil {
			t.Fatal(err)
		}
		if ss.Sheets[0].Data != nil {
			t.Errorf("data returned without being asked for")
		}
	})
	t.Run("a mask without data returns no data, whatever includeGridData says", func(t *testing.T) {
		ss, err := srv.Spreadsheets.Get(id).Fields("sheets(properties(title))").IncludeGridData(true).Do()
		if err != nil {
			t.Fatal(err)
		}
		if ss.Sheets[0].Data != nil || ss.Sheets[0].Properties.SheetId != 0 || ss.Properties != nil {
			t.Errorf("mask not honoured: %+v", ss.Sheets[0])
		}
	})
	t.Run("a mask with data returns ragged rows", func(t *testing.T) {
		ss, err := srv.Spreadsheets.Get(id).
			Fields("properties.timeZone,sheets(properties(title),data(rowData(values(effectiveValue))))").Do()
		if err != nil {
			t.Fatal(err)
		}
		if ss.Properties.TimeZone != "Europe/Paris" || ss.Properties.Title != "" {
			t.Errorf("properties %+v; want only the time zone", ss.Properties)
		}
		rows := ss.Sheets[0].Data[0].RowData
		var lens []int
		for _, r := range rows {
			lens = append(lens, len(r.Values))
		}
		if len(rows) != 4 || lens[0] != 3 || lens[1] != 2 || lens[2] != 0 || lens[3] != 1 {
			t.Errorf("row lengths %v; want [3 2 0 1]: trailing cells and rows left out", lens)
		}
		if c := rows[1].Values[0]; c.EffectiveFormat != nil || c.UserEnteredValue != nil {
			t.Errorf("cell fields outside the mask came back: %+v", c)
		}
		if ss.Sheets[2].Data[0].RowData != nil {
			t.Errorf("an empty tab returned rowData")
		}
	})
}

func TestBatchUpdate(t *testing.T) {
	str := func(s string) *sheetsapi.CellData {
		return &sheetsapi.CellData{UserEnteredValue: &sheetsapi.ExtendedValue{StringValue: &s}}
	}
	cells := func(sheetID int64, row []*sheetsapi.CellData) *sheetsapi.Request {
		return &sheetsapi.Request{UpdateCells: &sheetsapi.UpdateCellsRequest{
			Start:  &sheetsapi.GridCoordinate{SheetId: sheetID},
			Rows:   []*sheetsapi.RowData{{Values: row}},
			Fields: "userEnteredValue",
		}}
	}
	addSheet := func(sheetID int64, title string, cols int64) *sheetsapi.Request {
		return &sheetsapi.Request{AddSheet: &sheetsapi.AddSheetRequest{Properties: &sheetsapi.SheetProperties{
			SheetId: sheetID, Title: title, GridProperties: &sheetsapi.GridProperties{RowCount: 5, ColumnCount: cols}}}}
	}
	cases := []struct {
		name string
		reqs []*sheetsapi.Request
		want string // error message part; "" = success
	}{
		{name: "writing past the last column fails with the API's words",
			reqs: []*sheetsapi.Request{addSheet(77, "Out", 2), cells(77, []*sheetsapi.CellData{str("a"), str("b"), str("c")})},
			want: "Invalid requests[1].updateCells: Attempting to write column: 2, beyond the last requested column of: 1"},
		{name: "a duplicate title fails the batch",
			reqs: []*sheetsapi.Request{addSheet(77, "Out", 2), addSheet(78, "out", 2)},
			want: `A sheet with the name "out" already exists`},
		{name: "a duplicate sheet id fails the batch",
			reqs: []*sheetsapi.Request{addSheet(77, "Out", 2), addSheet(77, "Other", 2)},
			want: "Sheet with id 77 already exists"},
		{name: "an unknown request kind fails the batch",
			reqs: []*sheetsapi.Request{addSheet(77, "Out", 2), {AutoFill: &sheetsapi.AutoFillRequest{}}},
			want: "does not implement autoFill"},
		{name: "a valid batch is applied",
			reqs: []*sheetsapi.Request{addSheet(77, "Out", 2), cells(77, []*sheetsapi.CellData{str("a"), str("b")})}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, srv := setup(t)
			_, err := srv.Spreadsheets.BatchUpdate(id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: tc.reqs}).Do()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if rows, ok := f.Cells(id, "Out"); !ok || len(rows[0]) != 2 {
					t.Errorf("Out = %v (found %v); want the batch applied", rows, ok)
				}
				return
			}
			var ge *googleapi.Error
			if !errors.As(err, &ge) || ge.Code != 400 || !strings.Contains(ge.Message, tc.want) {
				t.Fatalf("err = %v; want 400 saying %q", err, tc.want)
			}
			if _, ok := f.Cells(id, "Out"); ok {
				t.Errorf("a failed batch was partly applied: Out exists")
			}
		})
	}
}

func TestInjectedErrorsHaveTheAPIShape(t *testing.T) {
	f, srv := setup(t)
	f.FailNext(1, fake.Fault{Status: 429, RetryAfter: "3"})
	_, err := srv.Spreadsheets.Get(id).Do()
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		t.Fatalf("err = %v; want a googleapi.Error", err)
	}
	if ge.Code != 429 || ge.Header.Get("Retry-After") != "3" || !strings.Contains(ge.Body, `"RESOURCE_EXHAUSTED"`) ||
		!strings.Contains(ge.Body, `"reason":"RATE_LIMIT_EXCEEDED"`) {
		t.Errorf("429 = code %d, Retry-After %q, body %s", ge.Code, ge.Header.Get("Retry-After"), ge.Body)
	}
	calls := f.Calls()
	if len(calls) != 1 || calls[0].Kind != fake.KindGet || calls[0].Status != 429 || !calls[0].Injected ||
		calls[0].Query.Get("alt") != "json" {
		t.Errorf("recorded %+v", calls)
	}
}

func TestValuesBatchGet(t *testing.T) {
	_, srv := setup(t)
	resp, err := srv.Spreadsheets.Values.BatchGet(id).Ranges("Partners!A1:C5", "'My Notes'").
		ValueRenderOption("UNFORMATTED_VALUE").Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.ValueRanges) != 2 {
		t.Fatalf("%d value ranges; want 2", len(resp.ValueRanges))
	}
	p := resp.ValueRanges[0]
	if p.Range != "Partners!A1:C5" || len(p.Values) != 4 || p.Values[1][1] != float64(3) {
		t.Errorf("Partners = %s %v", p.Range, p.Values)
	}
	if v := resp.ValueRanges[1].Values; len(v) != 1 || v[0][1] != true {
		t.Errorf("My Notes = %v", v)
	}
	if _, err := srv.Spreadsheets.Values.BatchGet(id).Ranges("Nope!A1").Do(); err == nil {
		t.Errorf("a range naming a missing tab succeeded")
	}
}
