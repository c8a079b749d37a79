package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

var _ sheets.ValidationAdder = (*Workbook)(nil)

// AddValidation adds tabs' dropdown lists and header notes to the input tabs that exist,
// matching columns by their header (sheets.InputTab.OnHeader), and returns the names of the
// tabs it changed. No cell value or style changes. A header cell that has a note keeps it,
// and a column that already has a dropdown anywhere below the header keeps that one: it is
// either a volunteer's own list or one an earlier run added. The save is the one outputs
// use (temporary file and rename, refused while the workbook is open or if it changed).
func (w *Workbook) AddValidation(ctx context.Context, tabs []sheets.InputTab) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(tabs) == 0 {
		return nil, nil
	}
	if err := w.checkLocks(); err != nil {
		return nil, err
	}
	st, err := w.load()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("add dropdowns to %s: there is no workbook yet; run init without --add-validation to create it", w.path)
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
	managed := managedSheets(f)
	r := newRenderer(f)
	var changed []string
	for _, t := range tabs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name, ok := findSheet(f, t.Name)
		if !ok || managed[name] {
			continue
		}
		if err := checkEditable(f, b, name); err != nil {
			return nil, fmt.Errorf("add dropdowns to tab %q of %s: %w", name, w.path, err)
		}
		n, err := r.addHelp(name, t)
		if err != nil {
			return nil, fmt.Errorf("add dropdowns to tab %q of %s: %w", name, w.path, err)
		}
		if n > 0 {
			changed = append(changed, name)
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	if err := w.refuseReadOnly(st.mode); err != nil {
		return nil, err
	}
	if err := w.save(b, &st, nil, nil, nil); err != nil {
		return nil, err
	}
	return changed, nil
}

// addHelp adds t's notes and dropdowns to the existing sheet name and counts what it added.
func (r *renderer) addHelp(name string, t sheets.InputTab) (int, error) {
	header, lastRow, err := headerAndLastRow(r.f, name)
	if err != nil {
		return 0, err
	}
	on := t.OnHeader(header)
	comments, err := r.f.GetComments(name)
	if err != nil {
		return 0, fmt.Errorf("read notes: %w", err)
	}
	noted := map[string]bool{}
	for _, c := range comments {
		noted[strings.ToUpper(c.Cell)] = true
	}
	dvs, err := r.f.GetDataValidations(name)
	if err != nil {
		return 0, fmt.Errorf("read dropdowns: %w", err)
	}
	added := 0
	for ci, note := range on.Notes {
		cell := cellName(ci, 0)
		if note == "" || noted[cell] {
			continue
		}
		if err := addNote(r.f, name, cell, note); err != nil {
			return 0, fmt.Errorf("add note to %s: %w", header[ci], err)
		}
		added++
	}
	// Below the rows in use too, with room for as many again as a new tab has.
	last := max(validationLastRow, lastRow+validationLastRow)
	for _, v := range on.Validations {
		if hasDropdown(dvs, v.Col, last) {
			continue
		}
		if err := r.dropdownTo(name, v, last); err != nil {
			return 0, err
		}
		added++
	}
	return added, nil
}

// headerAndLastRow reads row 1 as text and the number of the last row that has cells,
// without keeping the rows.
func headerAndLastRow(f *excelize.File, sheet string) ([]string, int, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, 0, fmt.Errorf("read rows: %w", err)
	}
	defer rows.Close()
	var header []string
	n := 0
	for rows.Next() {
		n++
		if n == 1 {
			if header, err = rows.Columns(); err != nil {
				return nil, 0, fmt.Errorf("read header: %w", err)
			}
		}
	}
	if err := rows.Error(); err != nil {
		return nil, 0, fmt.Errorf("read rows: %w", err)
	}
	return header, n, nil
}

// hasDropdown reports whether any validation in dvs covers a cell of column col (0-based)
// in rows 2..last.
func hasDropdown(dvs []*excelize.DataValidation, col, last int) bool {
	c := col + 1
	for _, dv := range dvs {
		for _, ref := range strings.Fields(dv.Sqref) {
			c0, r0, c1, r1, ok := refBounds(ref)
			if !ok || (c >= c0 && c <= c1 && r1 >= 2 && r0 <= last) {
				// An unreadable reference counts as covering: keeping a list beats doubling one.
				return true
			}
		}
	}
	return false
}

// refBounds parses "B2", "B2:B100", "B:B" or "2:5" into 1-based inclusive column and row
// bounds; a missing part spans the whole sheet.
func refBounds(ref string) (c0, r0, c1, r1 int, ok bool) {
	from, to, isRange := strings.Cut(strings.ReplaceAll(ref, "$", ""), ":")
	if !isRange {
		to = from
	}
	c0, r0, ok0 := partRef(from)
	c1, r1, ok1 := partRef(to)
	if !ok0 || !ok1 {
		return 0, 0, 0, 0, false
	}
	if c0 == 0 && c1 == 0 {
		c0, c1 = 1, maxColumns
	}
	if r0 == 0 && r1 == 0 {
		r0, r1 = 1, maxRows
	}
	return min(c0, c1), min(r0, r1), max(c0, c1), max(r0, r1), c0 > 0 && r0 > 0
}

// partRef parses "B2", "B" or "2": 0 stands for a part not given.
func partRef(s string) (col, row int, ok bool) {
	i := 0
	for i < len(s) && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z') {
		i++
	}
	if i > 0 {
		n, err := excelize.ColumnNameToNumber(s[:i])
		if err != nil {
			return 0, 0, false
		}
		col = n
	}
	if i < len(s) {
		n, err := strconv.Atoi(s[i:])
		if err != nil || n < 1 {
			return 0, 0, false
		}
		row = n
	}
	return col, row, col > 0 || row > 0
}
