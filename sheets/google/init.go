package google

import (
	"context"
	"fmt"

	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

// Grid of a new input tab: room for volunteers to add rows and columns, as a new Google
// Sheets tab has.
const (
	inputRows = 1000
	inputCols = 26
)

// AddInputTabs adds the input tabs that are missing, with a bold frozen header, a note on
// each header cell, dropdown validation and the example rows, in one batchUpdate after one
// read. Existing tabs are never touched. It returns the names of the tabs it added. The
// spreadsheet itself must exist: a service account cannot create one in a person's Drive.
func (s *Sheet) AddInputTabs(ctx context.Context, tabs []sheets.InputTab) ([]string, error) {
	ss, err := s.get(ctx, "sheets(properties(sheetId,title))")
	if err != nil {
		return nil, err
	}
	lay := layoutOf(ss)
	ids := newIDs(lay)
	var reqs []*sheetsapi.Request
	var added []string
	for _, in := range tabs {
		if _, found := lay.find(in.Name); found || contains(added, in.Name) {
			continue
		}
		reqs = append(reqs, inputRequests(in, ids.pick(in.Name))...)
		added = append(added, in.Name)
	}
	if len(added) == 0 {
		return nil, nil
	}
	_, err = s.batchUpdate(ctx, reqs, nil)
	if err != nil {
		return nil, s.explain(fmt.Sprintf("add input tabs %v to", added), err)
	}
	return added, nil
}

// inputRequests creates one input tab: its sheet, header and example rows, dropdowns and
// widths.
func inputRequests(in sheets.InputTab, id int64) []*sheetsapi.Request {
	rows := max(int64(inputRows), int64(len(in.Rows))+2)
	cols := max(int64(inputCols), int64(len(in.Header)), int64(len(in.Widths)))
	for _, r := range in.Rows {
		cols = max(cols, int64(len(r)))
	}
	for _, v := range in.Validations {
		cols = max(cols, int64(v.Col)+1)
	}
	reqs := []*sheetsapi.Request{{AddSheet: &sheetsapi.AddSheetRequest{Properties: &sheetsapi.SheetProperties{
		SheetId: id, Title: in.Name,
		GridProperties: &sheetsapi.GridProperties{RowCount: rows, ColumnCount: cols, FrozenRowCount: 1},
	}}}}

	header := &sheetsapi.RowData{}
	for i, h := range in.Header {
		d := cellData(sheets.TextCell(h), true, "", false)
		if i < len(in.Notes) {
			d.Note = in.Notes[i]
		}
		header.Values = append(header.Values, d)
	}
	data := []*sheetsapi.RowData{header}
	for _, r := range in.Rows {
		rd := &sheetsapi.RowData{}
		for _, c := range r {
			rd.Values = append(rd.Values, cellData(c, false, "", false))
		}
		data = append(data, rd)
	}
	reqs = append(reqs, &sheetsapi.Request{UpdateCells: &sheetsapi.UpdateCellsRequest{
		Start:  &sheetsapi.GridCoordinate{SheetId: id, ForceSendFields: []string{"SheetId"}},
		Rows:   data,
		Fields: "userEnteredValue,userEnteredFormat,note",
	}})

	for _, v := range in.Validations {
		if v.Col < 0 || (len(v.Values) == 0 && v.ListTab == "") {
			continue
		}
		reqs = append(reqs, &sheetsapi.Request{SetDataValidation: &sheetsapi.SetDataValidationRequest{
			Range: &sheetsapi.GridRange{SheetId: id, StartRowIndex: 1, EndRowIndex: rows,
				StartColumnIndex: int64(v.Col), EndColumnIndex: int64(v.Col) + 1, ForceSendFields: []string{"SheetId"}},
			Rule: listRule(v),
		}})
	}
	reqs = append(reqs, widthRequests(id, in.Widths, cols, true)...)
	return reqs
}
