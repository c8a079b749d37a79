package google

import (
	"context"
	"fmt"
	"strings"

	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

var _ sheets.ValidationAdder = (*Sheet)(nil)

// Field masks of AddValidation's reads: which tabs exist (no cells), then the header rows'
// text and notes, then whether the matched columns hold a dropdown anywhere below them.
const (
	helpLayoutFields = "sheets(properties(sheetId,title,gridProperties(rowCount,columnCount))," +
		"developerMetadata(metadataKey,metadataValue))"
	helpHeaderFields     = "sheets(properties(sheetId),data(rowData(values(formattedValue,note))))"
	helpValidationFields = "sheets(properties(sheetId),data(startColumn,rowData(values(dataValidation))))"
)

// helpTarget is one existing input tab AddValidation works on.
type helpTarget struct {
	tab   tabLayout
	on    sheets.InputTab // the template laid onto the tab's header row
	notes []string        // the header cells' notes as they are
	taken map[int]bool    // columns that already have a dropdown below the header
}

// AddValidation adds tabs' dropdown lists and header notes to the input tabs that exist,
// matching columns by their header (sheets.InputTab.OnHeader), in one batchUpdate after
// three small reads, and returns the names of the tabs it changed. It writes notes with the
// field mask "note" and validations with setDataValidation, so no value or format changes.
// A header cell that has a note keeps it, and a column that already has a dropdown anywhere
// below the header keeps that one (a volunteer's own list, or one an earlier run added).
func (s *Sheet) AddValidation(ctx context.Context, tabs []sheets.InputTab) ([]string, error) {
	if len(tabs) == 0 {
		return nil, nil
	}
	ss, err := s.get(ctx, helpLayoutFields)
	if err != nil {
		return nil, err
	}
	lay := layoutOf(ss)
	var targets []*helpTarget
	for _, in := range tabs {
		t, found := lay.find(in.Name)
		if !found || t.managed || t.rows == 0 || t.cols == 0 || hasTarget(targets, t.id) {
			continue
		}
		targets = append(targets, &helpTarget{tab: t, on: in, taken: map[int]bool{}})
	}
	if len(targets) == 0 {
		return nil, nil
	}
	if err := s.readHeaders(ctx, targets); err != nil {
		return nil, err
	}
	if err := s.readDropdowns(ctx, targets); err != nil {
		return nil, err
	}
	var reqs []*sheetsapi.Request
	var changed []string
	for _, t := range targets {
		r := t.requests()
		if len(r) > 0 {
			reqs = append(reqs, r...)
			changed = append(changed, t.tab.title)
		}
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	_, err = s.batchUpdate(ctx, reqs, nil)
	if err != nil {
		return nil, s.explain(fmt.Sprintf("add dropdowns and notes to %v of", changed), err)
	}
	return changed, nil
}

func hasTarget(targets []*helpTarget, id int64) bool {
	for _, t := range targets {
		if t.tab.id == id {
			return true
		}
	}
	return false
}

// readHeaders reads row 1 of every target and lays its template onto it.
func (s *Sheet) readHeaders(ctx context.Context, targets []*helpTarget) error {
	ranges := make([]string, len(targets))
	for i, t := range targets {
		ranges[i] = a1Tab(t.tab.title) + "!1:1"
	}
	ss, err := s.getRanges(ctx, ranges, helpHeaderFields)
	if err != nil {
		return err
	}
	for _, t := range targets {
		var header []string
		t.notes = nil
		for _, sh := range ss.Sheets {
			if sh.Properties == nil || sh.Properties.SheetId != t.tab.id {
				continue
			}
			for _, gd := range sh.Data {
				if len(gd.RowData) == 0 {
					continue
				}
				for _, v := range gd.RowData[0].Values {
					header = append(header, v.FormattedValue)
					t.notes = append(t.notes, v.Note)
				}
			}
		}
		t.on = t.on.OnHeader(header)
	}
	return nil
}

// readDropdowns marks the columns of each target that already hold a dropdown below row 1.
// Only the columns a template would give a dropdown are read.
func (s *Sheet) readDropdowns(ctx context.Context, targets []*helpTarget) error {
	var ranges []string
	for _, t := range targets {
		if t.tab.rows < 2 {
			continue
		}
		for _, v := range t.on.Validations {
			col := sheets.ColumnName(v.Col)
			ranges = append(ranges, a1Tab(t.tab.title)+"!"+col+"2:"+col)
		}
	}
	if len(ranges) == 0 {
		return nil
	}
	ss, err := s.getRanges(ctx, ranges, helpValidationFields)
	if err != nil {
		return err
	}
	for _, sh := range ss.Sheets {
		if sh.Properties == nil {
			continue
		}
		for _, t := range targets {
			if t.tab.id != sh.Properties.SheetId {
				continue
			}
			for _, gd := range sh.Data {
				for _, rd := range gd.RowData {
					for i, v := range rd.Values {
						if v != nil && v.DataValidation != nil {
							t.taken[int(gd.StartColumn)+i] = true
						}
					}
				}
			}
		}
	}
	return nil
}

// requests are the notes and dropdowns the target still lacks.
func (t *helpTarget) requests() []*sheetsapi.Request {
	var reqs []*sheetsapi.Request
	for ci, note := range t.on.Notes {
		if note == "" || (ci < len(t.notes) && t.notes[ci] != "") || int64(ci) >= t.tab.cols {
			continue
		}
		reqs = append(reqs, &sheetsapi.Request{UpdateCells: &sheetsapi.UpdateCellsRequest{
			Start: &sheetsapi.GridCoordinate{SheetId: t.tab.id, ColumnIndex: int64(ci),
				ForceSendFields: []string{"SheetId", "RowIndex", "ColumnIndex"}},
			Rows:   []*sheetsapi.RowData{{Values: []*sheetsapi.CellData{{Note: note}}}},
			Fields: "note",
		}})
	}
	for _, v := range t.on.Validations {
		if t.taken[v.Col] || t.tab.rows < 2 || int64(v.Col) >= t.tab.cols || (len(v.Values) == 0 && v.ListTab == "") {
			continue
		}
		reqs = append(reqs, &sheetsapi.Request{SetDataValidation: &sheetsapi.SetDataValidationRequest{
			Range: &sheetsapi.GridRange{SheetId: t.tab.id, StartRowIndex: 1, EndRowIndex: t.tab.rows,
				StartColumnIndex: int64(v.Col), EndColumnIndex: int64(v.Col) + 1, ForceSendFields: []string{"SheetId"}},
			Rule: listRule(v),
		}})
	}
	return reqs
}

// listRule is a dropdown of v's values, or of the names in another tab's column. Not
// strict: an unlisted value is flagged in the sheet and becomes a data issue, rather than
// being refused while a volunteer types.
func listRule(v sheets.Validation) *sheetsapi.DataValidationRule {
	if v.ListTab != "" {
		col := sheets.ColumnName(max(v.ListCol, 0))
		ref := "=" + a1Tab(v.ListTab) + "!" + col + "2:" + col // open-ended: every row there
		return &sheetsapi.DataValidationRule{ShowCustomUi: true, Condition: &sheetsapi.BooleanCondition{
			Type: "ONE_OF_RANGE", Values: []*sheetsapi.ConditionValue{{UserEnteredValue: ref}}}}
	}
	cond := &sheetsapi.BooleanCondition{Type: "ONE_OF_LIST"}
	for _, val := range v.Values {
		cond.Values = append(cond.Values, &sheetsapi.ConditionValue{UserEnteredValue: val})
	}
	return &sheetsapi.DataValidationRule{Condition: cond, ShowCustomUi: true}
}

// a1Tab quotes a tab title for an A1 range.
func a1Tab(title string) string {
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}
