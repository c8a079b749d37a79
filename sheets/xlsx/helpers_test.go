package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

var ctx = context.Background()

// fixture saves a workbook built with excelize to a fresh folder and returns its path.
func fixture(t testing.TB, build func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	path := filepath.Join(t.TempDir(), "partners.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// must fails the test on a non-nil error; for fixture building.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// inputFixture is a workbook with a volunteer tab "Partners" that has values,
// styles, a formula, a dropdown, a note and a merged cell.
func inputFixture(t testing.TB) string {
	return fixture(t, func(f *excelize.File) {
		must(t, f.SetSheetName("Sheet1", "Partners"))
		must(t, f.SetSheetRow("Partners", "A1", &[]any{"Name", "Stance", "Influence", "Score"}))
		must(t, f.SetSheetRow("Partners", "A2", &[]any{"Eastside Tenants Union", "Supports", 4, nil}))
		must(t, f.SetSheetRow("Partners", "A3", &[]any{"=not a formula", "Opposes", 2.5, nil}))
		must(t, f.SetCellFormula("Partners", "D2", "C2*2"))
		bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
		must(t, err)
		must(t, f.SetCellStyle("Partners", "A1", "D1", bold))
		dv := excelize.NewDataValidation(true)
		dv.SetSqref("B2:B100")
		must(t, dv.SetDropList([]string{"Opposes", "Neutral", "Supports"}))
		must(t, f.AddDataValidation("Partners", dv))
		must(t, f.AddComment("Partners", excelize.Comment{Cell: "A1", Author: "vol", Paragraph: []excelize.RichTextRun{{Text: "the partner"}}}))
		must(t, f.MergeCell("Partners", "A5", "B5"))
		must(t, f.SetCellStr("Partners", "A5", "merged note"))
	})
}

// partBytes returns the uncompressed parts of the workbook at path.
func partBytes(t testing.TB, path string) map[string][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	out := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		must(t, err)
		b, err := io.ReadAll(rc)
		must(t, err)
		must(t, rc.Close())
		out[zf.Name] = b
	}
	return out
}

func partNames(parts map[string][]byte) []string {
	var names []string
	for n := range parts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// cellState is everything about one cell a volunteer could notice changing.
type cellState struct {
	Value, Formula string
	Type           excelize.CellType
	Style          int
}

// sheetState records every cell in the used range of a sheet, its dropdowns,
// notes and merged cells, read through excelize.
type sheetState struct {
	Cells       map[string]cellState
	Validations []string
	Comments    []string
	Merges      []string
	Styles      map[int]string
}

func stateOf(t testing.TB, path, sheet string) sheetState {
	t.Helper()
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	st := sheetState{Cells: map[string]cellState{}, Styles: map[int]string{}}
	dim, err := f.GetSheetDimension(sheet)
	must(t, err)
	if !strings.Contains(dim, ":") {
		dim += ":" + dim
	}
	from, to, _ := strings.Cut(dim, ":")
	c1, r1, err := excelize.CellNameToCoordinates(from)
	must(t, err)
	c2, r2, err := excelize.CellNameToCoordinates(to)
	must(t, err)
	for r := r1; r <= r2; r++ {
		for c := c1; c <= c2; c++ {
			cell, _ := excelize.CoordinatesToCellName(c, r)
			v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			must(t, err)
			fo, err := f.GetCellFormula(sheet, cell)
			must(t, err)
			ty, err := f.GetCellType(sheet, cell)
			must(t, err)
			s, err := f.GetCellStyle(sheet, cell)
			must(t, err)
			st.Cells[cell] = cellState{Value: v, Formula: fo, Type: ty, Style: s}
			if _, ok := st.Styles[s]; !ok {
				style, err := f.GetStyle(s)
				must(t, err)
				st.Styles[s] = describeStyle(style)
			}
		}
	}
	dvs, err := f.GetDataValidations(sheet)
	must(t, err)
	for _, dv := range dvs {
		st.Validations = append(st.Validations, dv.Sqref+" "+dv.Type+" "+dv.Formula1)
	}
	comments, err := f.GetComments(sheet)
	must(t, err)
	for _, c := range comments {
		text := c.Text
		for _, p := range c.Paragraph {
			text += p.Text
		}
		st.Comments = append(st.Comments, c.Cell+" "+c.Author+" "+text)
	}
	merges, err := f.GetMergeCells(sheet)
	must(t, err)
	for _, m := range merges {
		st.Merges = append(st.Merges, m.GetStartAxis()+":"+m.GetEndAxis()+" "+m.GetCellValue())
	}
	return st
}

func describeStyle(s *excelize.Style) string {
	out := ""
	if s.Font != nil && s.Font.Bold {
		out += "bold "
	}
	out += s.Fill.Type
	for _, c := range s.Fill.Color {
		out += " " + c
	}
	if s.CustomNumFmt != nil {
		out += " fmt:" + *s.CustomNumFmt
	}
	return out
}

// grid renders a table's rows as strings, kind-tagged, for comparisons.
func grid(rows [][]sheets.Cell) [][]string {
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = make([]string, len(row))
		for j, c := range row {
			out[i][j] = kindName(c.Kind) + ":" + c.String()
		}
	}
	return out
}

func kindName(k sheets.Kind) string {
	return [...]string{"blank", "text", "number", "date", "bool"}[k]
}

// fixedClock returns a clock that advances one second on each call.
func fixedClock() func() time.Time {
	t := time.Date(2026, 11, 23, 9, 0, 0, 0, time.Local)
	return func() time.Time {
		t = t.Add(time.Second)
		return t
	}
}

// readFile returns the bytes of a file, failing the test if it cannot.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return b
}

// mustRead reads the workbook, failing the test on error.
func mustRead(t testing.TB, w *Workbook, tabs ...string) *sheets.Snapshot {
	t.Helper()
	snap, err := w.Read(ctx, tabs)
	must(t, err)
	return snap
}

// text builds a row of text cells.
func text(vals ...string) []sheets.Cell {
	row := make([]sheets.Cell, len(vals))
	for i, v := range vals {
		row[i] = sheets.TextCell(v)
	}
	return row
}
