package xlsx_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/sheetstest"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// TestConformance runs the backend suite shared with the Google Sheets adapter. Seeding and
// reading back go through excelize directly, not through the Workbook under test.
func TestConformance(t *testing.T) {
	var mu sync.Mutex
	paths := map[sheets.Source]string{}
	sheetstest.Run(t, sheetstest.Harness{
		New: func(t *testing.T, tabs []sheets.Table) sheets.Source {
			path := filepath.Join(t.TempDir(), "partners.xlsx")
			seedWorkbook(t, path, tabs)
			wb := xlsx.New(path, xlsx.Options{})
			mu.Lock()
			paths[wb] = path
			mu.Unlock()
			return wb
		},
		Cells: func(t *testing.T, src sheets.Source, tab string) ([][]sheets.Cell, bool) {
			mu.Lock()
			path := paths[src]
			mu.Unlock()
			return storedCells(t, path, tab)
		},
	})
}

// seedWorkbook writes tabs as plain sheets: text as strings, numbers, booleans, and dates
// as serials with a date number format, as a spreadsheet program saves them.
func seedWorkbook(t *testing.T, path string, tabs []sheets.Table) {
	t.Helper()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		t.Fatal(err)
	}
	dateTimeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateTimeFmt})
	if err != nil {
		t.Fatal(err)
	}
	for i, tab := range tabs {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", tab.Name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(tab.Name); err != nil {
			t.Fatal(err)
		}
		for r, row := range tab.Rows {
			for c, cell := range row {
				axis, _ := excelize.CoordinatesToCellName(c+1, r+1)
				switch cell.Kind {
				case sheets.Text:
					err = f.SetCellStr(tab.Name, axis, cell.Text)
				case sheets.Number:
					err = f.SetCellFloat(tab.Name, axis, cell.Num, -1, 64)
				case sheets.Bool:
					err = f.SetCellBool(tab.Name, axis, cell.Bool)
				case sheets.Date:
					style := dateStyle
					if s := cell.Num; s != float64(int64(s)) {
						style = dateTimeStyle
					}
					if err = f.SetCellFloat(tab.Name, axis, cell.Num, -1, 64); err == nil {
						err = f.SetCellStyle(tab.Name, axis, axis, style)
					}
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// storedCells reads a sheet back with excelize, typed by each cell's XML type and number
// format. A formula reads as "#FORMULA " and its text, so a formula written where text was
// meant fails the comparison.
func storedCells(t *testing.T, path, tab string) ([][]sheets.Cell, bool) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer func() { _ = f.Close() }()
	if idx, err := f.GetSheetIndex(tab); err != nil || idx < 0 {
		return nil, false
	}
	raw, err := f.GetRows(tab, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("rows of %s: %v", tab, err)
	}
	out := make([][]sheets.Cell, len(raw))
	for r, row := range raw {
		for c := range row {
			axis, _ := excelize.CoordinatesToCellName(c+1, r+1)
			out[r] = append(out[r], storedCell(t, f, tab, axis, row[c]))
		}
	}
	return out, true
}

func storedCell(t *testing.T, f *excelize.File, tab, axis, raw string) sheets.Cell {
	t.Helper()
	if formula, _ := f.GetCellFormula(tab, axis); formula != "" {
		return sheets.TextCell("#FORMULA =" + formula)
	}
	typ, err := f.GetCellType(tab, axis)
	if err != nil {
		t.Fatalf("type of %s!%s: %v", tab, axis, err)
	}
	switch typ {
	case excelize.CellTypeBool:
		return sheets.BoolCell(raw == "1" || strings.EqualFold(raw, "TRUE"))
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeFormula:
		return sheets.TextCell(raw)
	}
	if raw == "" {
		return sheets.Cell{}
	}
	n, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return sheets.TextCell(raw)
	}
	if isDateStyle(t, f, tab, axis) {
		return sheets.Cell{Kind: sheets.Date, Num: n}
	}
	return sheets.NumberCell(n)
}

// isDateStyle reports whether a cell's number format shows a date: a built-in date format
// or a custom one with day or year codes.
func isDateStyle(t *testing.T, f *excelize.File, tab, axis string) bool {
	t.Helper()
	id, err := f.GetCellStyle(tab, axis)
	if err != nil || id == 0 {
		return false
	}
	style, err := f.GetStyle(id)
	if err != nil {
		t.Fatalf("style of %s!%s: %v", tab, axis, err)
	}
	if n := style.NumFmt; (n >= 14 && n <= 22) || (n >= 45 && n <= 47) {
		return true
	}
	if style.CustomNumFmt == nil {
		return false
	}
	code := strings.ToLower(*style.CustomNumFmt)
	return strings.Contains(code, "d") || strings.Contains(code, "y")
}
