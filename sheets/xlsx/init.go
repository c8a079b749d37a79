package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// validationLastRow is the last row a new input tab's dropdowns cover.
const validationLastRow = 1000

// AddInputTabs creates the input tabs that do not exist yet, each with a bold
// frozen header, a note on each header cell, dropdown lists and example rows,
// and returns their names. It creates the workbook when there is none, and
// never touches a tab that exists.
func (w *Workbook) AddInputTabs(ctx context.Context, tabs []sheets.InputTab) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(tabs) == 0 {
		return nil, nil
	}
	names := make([]string, len(tabs))
	for i, t := range tabs {
		names[i] = t.Name
	}
	if err := checkTabNames(names); err != nil {
		return nil, fmt.Errorf("create tabs in %s: %w", w.path, err)
	}
	if err := w.checkLocks(); err != nil {
		return nil, err
	}
	st, err := w.load()
	if errors.Is(err, fs.ErrNotExist) {
		return w.createWorkbook(tabs)
	}
	if err != nil {
		return nil, err
	}
	b, err := w.open(st.data, false)
	if err != nil {
		return nil, err
	}
	f := b.f
	defer f.Close()
	var added []string
	r := newRenderer(f)
	for _, t := range tabs {
		if _, exists := findSheet(f, t.Name); exists {
			continue
		}
		if _, err := r.newSheet(t.Name); err != nil {
			return nil, fmt.Errorf("create tab %q in %s: %w", t.Name, w.path, err)
		}
		if err := r.inputTab(t); err != nil {
			return nil, fmt.Errorf("create tab %q in %s: %w", t.Name, w.path, err)
		}
		added = append(added, t.Name)
	}
	if len(added) == 0 {
		return nil, nil
	}
	if err := w.refuseReadOnly(st.mode); err != nil {
		return nil, err
	}
	if err := w.save(b, &st, nil, nil, nil); err != nil {
		return nil, err
	}
	return added, nil
}

// createWorkbook writes a new workbook holding exactly tabs.
func (w *Workbook) createWorkbook(tabs []sheets.InputTab) ([]string, error) {
	// What is created is an .xlsx workbook; under another name (groups.ods) a spreadsheet
	// program would take it for what the name says and fail to open it.
	if ext := filepath.Ext(w.path); !strings.EqualFold(ext, ".xlsx") {
		return nil, fmt.Errorf("create workbook %s: partnermap creates .xlsx workbooks, so the name must end in .xlsx, not %q: %w",
			w.path, ext, ErrNotWorkbook)
	}
	f := excelize.NewFile()
	defer f.Close()
	// A new file starts with one sheet; it becomes the first tab.
	if err := f.SetSheetName(f.GetSheetName(0), tabs[0].Name); err != nil {
		return nil, fmt.Errorf("create workbook %s: tab %q: %w", w.path, tabs[0].Name, err)
	}
	r := newRenderer(f)
	names := make([]string, 0, len(tabs))
	for i, t := range tabs {
		if i > 0 {
			if _, err := r.newSheet(t.Name); err != nil {
				return nil, fmt.Errorf("create workbook %s: tab %q: %w", w.path, t.Name, err)
			}
		}
		if err := r.inputTab(t); err != nil {
			return nil, fmt.Errorf("create workbook %s: tab %q: %w", w.path, t.Name, err)
		}
		names = append(names, t.Name)
	}
	f.SetActiveSheet(0)
	if err := w.commit(nil, encode(f, func(out io.Writer) *reuseWriter { return newReuseWriter(out, nil, nil, nil) }), nil); err != nil {
		return nil, err
	}
	if st, err := w.load(); err == nil {
		w.created = st.version()
	}
	return names, nil
}

// inputTab fills a new, empty input tab.
func (r *renderer) inputTab(t sheets.InputTab) error {
	f, name := r.f, t.Name
	if len(t.Header) == 0 {
		return fmt.Errorf("it has no header")
	}
	if len(t.Header) > maxColumns || len(t.Rows)+1 > maxRows {
		return fmt.Errorf("it is larger than a sheet")
	}
	bold, err := r.style(styleKey{bold: true})
	if err != nil {
		return err
	}
	for ci, h := range t.Header {
		cell := cellName(ci, 0)
		if err := f.SetCellStr(name, cell, h); err != nil {
			return err
		}
		if err := f.SetCellStyle(name, cell, cell, bold); err != nil {
			return err
		}
	}
	if err := f.SetPanes(name, frozenPanes(1)); err != nil {
		return fmt.Errorf("freeze header: %w", err)
	}
	for i, wd := range t.Widths {
		if wd > 0 && i < maxColumns {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(name, col, col, min(wd, 255)); err != nil {
				return fmt.Errorf("set width of column %s: %w", col, err)
			}
		}
	}
	for ci, note := range t.Notes {
		if note == "" || ci >= len(t.Header) {
			continue
		}
		if err := addNote(f, name, cellName(ci, 0), note); err != nil {
			return fmt.Errorf("add note to %s: %w", t.Header[ci], err)
		}
	}
	for _, v := range t.Validations {
		if err := r.dropdown(name, v); err != nil {
			return err
		}
	}
	for ri, row := range t.Rows {
		for ci, c := range row {
			if err := r.setCell(name, cellName(ci, ri+1), c); err != nil {
				return err
			}
		}
	}
	return nil
}

// addNote puts partnermap's note on a header cell.
func addNote(f *excelize.File, sheet, cell, note string) error {
	return f.AddComment(sheet, excelize.Comment{
		Cell: cell, Author: "partnermap", Paragraph: []excelize.RichTextRun{{Text: note}},
	})
}

// listLastRow is the last row of another tab a dropdown lists names from: room for far
// more partners than a group keeps, without naming a whole column (slow in some programs).
const listLastRow = 10000

// dropdown adds a list validation over rows 2..validationLastRow of one column.
func (r *renderer) dropdown(sheet string, v sheets.Validation) error {
	return r.dropdownTo(sheet, v, validationLastRow)
}

// dropdownTo adds a list validation over rows 2..last of one column.
func (r *renderer) dropdownTo(sheet string, v sheets.Validation, last int) error {
	if v.ListTab != "" && v.Col >= 0 && v.Col < maxColumns {
		col, _ := excelize.ColumnNumberToName(v.Col + 1)
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(col + "2:" + col + strconv.Itoa(min(last, maxRows)))
		dv.SetSqrefDropList(v.ListRange(listLastRow))
		if err := r.f.AddDataValidation(sheet, dv); err != nil {
			return fmt.Errorf("dropdown for column %s from tab %q: %w", col, v.ListTab, err)
		}
		return nil
	}
	if v.Col < 0 || v.Col >= maxColumns || len(v.Values) == 0 {
		return fmt.Errorf("dropdown for column %d: no values or no such column", v.Col+1)
	}
	for _, val := range v.Values {
		if strings.Contains(val, ",") {
			return fmt.Errorf("dropdown value %q: a list value cannot contain a comma", val)
		}
	}
	col, _ := excelize.ColumnNumberToName(v.Col + 1)
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(col + "2:" + col + strconv.Itoa(min(last, maxRows)))
	if err := dv.SetDropList(v.Values); err != nil {
		return fmt.Errorf("dropdown for column %s: %w", col, err)
	}
	if err := r.f.AddDataValidation(sheet, dv); err != nil {
		return fmt.Errorf("dropdown for column %s: %w", col, err)
	}
	return nil
}

// setCell writes one typed cell through the ordinary (non-streaming) API.
func (r *renderer) setCell(sheet, cell string, c sheets.Cell) error {
	v, format := r.value(c)
	var err error
	switch v.kind {
	case outBlank:
		return nil
	case outText:
		err = r.f.SetCellStr(sheet, cell, v.text)
	case outNumber:
		err = r.f.SetCellFloat(sheet, cell, v.num, -1, 64)
	case outBool:
		err = r.f.SetCellBool(sheet, cell, v.bool)
	}
	if err != nil || format == "" {
		return err
	}
	id, err := r.style(styleKey{format: format})
	if err != nil {
		return err
	}
	return r.f.SetCellStyle(sheet, cell, cell, id)
}

// cellName names the cell at 0-based (col, row).
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row+1)
	return name
}
