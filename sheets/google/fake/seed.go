package fake

import (
	"fmt"
	"strings"

	"github.com/partnermap/partnermap/sheets"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// Default grid of a new tab, as in Google Sheets.
const (
	defaultRows = 1000
	defaultCols = 26
)

// AddSpreadsheet creates an empty spreadsheet with the given id and time zone (an IANA name
// such as "America/Chicago"; the real API accepts others too, e.g. "GMT-05:00").
func (s *Server) AddSpreadsheet(id, timeZone string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changed(id)
	s.books[id] = &book{ID: id, TimeZone: timeZone, Title: "Spreadsheet " + id}
}

// AddTab adds a plain tab (no marker) holding rows from A1 and returns its sheet id. The
// first tab of a spreadsheet gets id 0, as "Sheet1" does in the real API. The grid is the
// usual 1000×26, or larger to fit rows.
func (s *Server) AddTab(id, title string, rows [][]sheets.Cell) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changed(id)
	b := s.mustBook(id)
	if b.tabByTitle(title) != nil {
		panic(fmt.Sprintf("fake: tab %q already exists", title))
	}
	var sheetID int64
	if len(b.Tabs) > 0 {
		sheetID = s.nextID()
	}
	nrows, ncols := int64(defaultRows), int64(defaultCols)
	for _, r := range rows {
		ncols = max(ncols, int64(len(r)))
	}
	nrows = max(nrows, int64(len(rows)))
	t := &tab{
		Props: &sheetsapi.SheetProperties{SheetId: sheetID, Title: title, Index: int64(len(b.Tabs)),
			SheetType: "GRID", GridProperties: &sheetsapi.GridProperties{RowCount: nrows, ColumnCount: ncols}},
		ColWidths: map[int64]int64{},
	}
	for r, row := range rows {
		for c, cell := range row {
			if d := CellData(cell); d != nil {
				t.setCell(int64(r), int64(c), d)
			}
		}
	}
	b.Tabs = append(b.Tabs, t)
	return sheetID
}

// AddInputTabs seeds volunteer tabs the way `partnermap init` describes them: a bold
// header with notes, dropdown validation below the header, and the example rows.
func (s *Server) AddInputTabs(id string, tabs []sheets.InputTab) {
	for _, in := range tabs {
		rows := [][]sheets.Cell{make([]sheets.Cell, len(in.Header))}
		for i, h := range in.Header {
			rows[0][i] = sheets.TextCell(h)
		}
		rows = append(rows, in.Rows...)
		s.AddTab(id, in.Name, rows)
		s.mu.Lock()
		s.changed(id)
		t := s.mustBook(id).tabByTitle(in.Name)
		t.Props.GridProperties.FrozenRowCount = 1
		for c := range in.Header {
			d := t.cell(0, int64(c))
			if d == nil {
				continue
			}
			d.UserEnteredFormat = &sheetsapi.CellFormat{TextFormat: &sheetsapi.TextFormat{Bold: true}}
			if c < len(in.Notes) {
				d.Note = in.Notes[c]
			}
		}
		for _, v := range in.Validations {
			rule := &sheetsapi.DataValidationRule{ShowCustomUi: true,
				Condition: &sheetsapi.BooleanCondition{Type: "ONE_OF_LIST"}}
			for _, val := range v.Values {
				rule.Condition.Values = append(rule.Condition.Values, &sheetsapi.ConditionValue{UserEnteredValue: val})
			}
			if v.ListTab != "" {
				// A list of another tab's names, as the backend writes it.
				col := sheets.ColumnName(max(v.ListCol, 0))
				rule.Condition = &sheetsapi.BooleanCondition{Type: "ONE_OF_RANGE", Values: []*sheetsapi.ConditionValue{
					{UserEnteredValue: "='" + strings.ReplaceAll(v.ListTab, "'", "''") + "'!" + col + "2:" + col}}}
			}
			for r := int64(1); r < t.rows(); r++ {
				d := t.cell(r, int64(v.Col))
				if d == nil {
					d = &sheetsapi.CellData{}
					t.setCell(r, int64(v.Col), d)
				}
				d.DataValidation = rule
			}
		}
		s.mu.Unlock()
	}
}

// AddMetadata attaches developer metadata to a tab, e.g. to seed a tab that carries
// partnermap's marker.
func (s *Server) AddMetadata(id, title, key, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changed(id)
	t := s.mustTab(id, title)
	t.Meta = append(t.Meta, &sheetsapi.DeveloperMetadata{MetadataId: s.nextID(), MetadataKey: key,
		MetadataValue: value, Visibility: "DOCUMENT",
		Location: &sheetsapi.DeveloperMetadataLocation{LocationType: "SHEET", SheetId: t.Props.SheetId}})
}

// SetGrid resizes a tab's grid (cells outside it are dropped), e.g. to seed a spreadsheet
// near the 10-million-cell limit.
func (s *Server) SetGrid(id, title string, rows, cols int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changed(id)
	t := s.mustTab(id, title)
	t.Props.GridProperties.RowCount, t.Props.GridProperties.ColumnCount = int64(rows), int64(cols)
	t.truncate()
}

// SetCell overwrites one stored cell, as a volunteer editing the sheet would.
func (s *Server) SetCell(id, title string, row, col int, c sheets.Cell) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changed(id)
	t := s.mustTab(id, title)
	t.setCell(int64(row), int64(col), CellData(c))
}

// Titles lists the spreadsheet's tab titles in order.
func (s *Server) Titles(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, t := range s.mustBook(id).Tabs {
		out = append(out, t.Props.Title)
	}
	return out
}

// Cells reads a tab's stored cells back as typed cells (user-entered values; a number with
// a DATE or DATE_TIME format is a date), ragged, without trailing empty rows. ok is false
// when the tab does not exist.
func (s *Server) Cells(id, title string) (rows [][]sheets.Cell, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.findTab(id, title)
	if t == nil {
		return nil, false
	}
	for r := range t.Cells {
		var row []sheets.Cell
		for c := range t.Cells[r] {
			row = append(row, TypedCell(t.Cells[r][c]))
		}
		rows = append(rows, trimRow(row))
	}
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows, true
}

// Sheet returns a copy of a tab as the API models it: properties, developer metadata,
// protected ranges, charts, column pixel sizes, and one GridData holding every stored cell
// with its user-entered value and format, note and validation. ok is false when the tab
// does not exist.
func (s *Server) Sheet(id, title string) (sheet *sheetsapi.Sheet, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.findTab(id, title)
	if t == nil {
		return nil, false
	}
	c := (&book{Tabs: []*tab{t}}).clone().Tabs[0]
	sheet = &sheetsapi.Sheet{Properties: c.Props, DeveloperMetadata: c.Meta, ProtectedRanges: c.Protected,
		Charts: c.Charts}
	gd := &sheetsapi.GridData{}
	for col := int64(0); col < c.cols(); col++ {
		gd.ColumnMetadata = append(gd.ColumnMetadata, &sheetsapi.DimensionProperties{PixelSize: c.ColWidths[col]})
	}
	for _, row := range c.Cells {
		rd := &sheetsapi.RowData{}
		for _, d := range row {
			if d == nil {
				d = &sheetsapi.CellData{}
			}
			rd.Values = append(rd.Values, d)
		}
		gd.RowData = append(gd.RowData, rd)
	}
	sheet.Data = []*sheetsapi.GridData{gd}
	return sheet, true
}

func (s *Server) mustBook(id string) *book {
	b, ok := s.books[id]
	if !ok {
		panic(fmt.Sprintf("fake: no spreadsheet %q; call AddSpreadsheet first", id))
	}
	return b
}

// findTab is the tab titled title in spreadsheet id, or nil when either does not exist.
func (s *Server) findTab(id, title string) *tab {
	b, ok := s.books[id]
	if !ok {
		return nil
	}
	return b.tabByTitle(title)
}

func (s *Server) mustTab(id, title string) *tab {
	t := s.mustBook(id).tabByTitle(title)
	if t == nil {
		panic(fmt.Sprintf("fake: spreadsheet %q has no tab %q", id, title))
	}
	return t
}

// CellData converts a typed cell to the API's cell as partnermap would write it: text as
// stringValue, numbers as numberValue, dates as a serial with a DATE (or DATE_TIME) format.
// A blank cell is nil.
func CellData(c sheets.Cell) *sheetsapi.CellData {
	switch c.Kind {
	case sheets.Text:
		if c.Text == "" {
			return nil
		}
		v := c.Text
		return &sheetsapi.CellData{UserEnteredValue: &sheetsapi.ExtendedValue{StringValue: &v}}
	case sheets.Number:
		v := c.Num
		return &sheetsapi.CellData{UserEnteredValue: &sheetsapi.ExtendedValue{NumberValue: &v}}
	case sheets.Bool:
		v := c.Bool
		return &sheetsapi.CellData{UserEnteredValue: &sheetsapi.ExtendedValue{BoolValue: &v}}
	case sheets.Date:
		v := c.Num
		nf := &sheetsapi.NumberFormat{Type: "DATE", Pattern: "yyyy-mm-dd"}
		if v != float64(int64(v)) {
			nf = &sheetsapi.NumberFormat{Type: "DATE_TIME", Pattern: "yyyy-mm-dd hh:mm"}
		}
		return &sheetsapi.CellData{UserEnteredValue: &sheetsapi.ExtendedValue{NumberValue: &v},
			UserEnteredFormat: &sheetsapi.CellFormat{NumberFormat: nf}}
	}
	return nil
}

// TypedCell reads a stored cell back as a typed cell from its user-entered value and number
// format. A formula reads as the text "#FORMULA " followed by the formula.
func TypedCell(d *sheetsapi.CellData) sheets.Cell {
	if d == nil || d.UserEnteredValue == nil {
		return sheets.Cell{}
	}
	v := d.UserEnteredValue
	switch {
	case v.StringValue != nil:
		return sheets.TextCell(*v.StringValue)
	case v.FormulaValue != nil:
		// The fake does not evaluate formulas: a formula reads as a marked text so a test
		// comparing with the literal text it meant to write fails loudly.
		return sheets.TextCell("#FORMULA " + *v.FormulaValue)
	case v.BoolValue != nil:
		return sheets.BoolCell(*v.BoolValue)
	case v.NumberValue != nil:
		if f := d.UserEnteredFormat; f != nil && f.NumberFormat != nil &&
			(f.NumberFormat.Type == "DATE" || f.NumberFormat.Type == "DATE_TIME") {
			return sheets.Cell{Kind: sheets.Date, Num: *v.NumberValue}
		}
		return sheets.NumberCell(*v.NumberValue)
	}
	return sheets.Cell{}
}

func trimRow(row []sheets.Cell) []sheets.Cell {
	for len(row) > 0 && row[len(row)-1].IsBlank() {
		row = row[:len(row)-1]
	}
	return row
}

// quoteTitle renders a tab title as an A1 sheet name, quoted when needed.
func quoteTitle(title string) string {
	if strings.ContainsAny(title, " '!:") {
		return "'" + strings.ReplaceAll(title, "'", "''") + "'"
	}
	return title
}
