package fake

import (
	sheetsapi "google.golang.org/api/sheets/v4"
)

// copyPaste copies cells as the real API does for the paste types partnermap may use:
// PASTE_NORMAL copies each stored cell as it is (value, format, note, validation; a blank
// source cell clears its destination, and a string is never parsed), PASTE_VALUES only the
// value. A destination that spans a multiple of the source's height or width repeats it; any
// other destination gets the source's size from its top-left cell, and every pasted cell must
// lie inside the grid.
func copyPaste(b *book, r *sheetsapi.CopyPasteRequest) error {
	fields := map[string]bool{}
	switch r.PasteType {
	case "", "PASTE_NORMAL":
		fields = cellFields
	case "PASTE_VALUES":
		fields["userEnteredValue"] = true
	default:
		return failf("the fake does not implement pasteType %s", r.PasteType)
	}
	if o := r.PasteOrientation; o != "" && o != "NORMAL" {
		return failf("the fake does not implement pasteOrientation %s", o)
	}
	st, src, err := rangeRect(b, r.Source)
	if err != nil {
		return err
	}
	if r.Destination == nil {
		return failf("destination is required")
	}
	dt := b.tabByID(r.Destination.SheetId)
	if dt == nil {
		return failf("No grid with id: %d", r.Destination.SheetId)
	}
	g := r.Destination
	dst := rect{g.StartRowIndex, g.StartColumnIndex, g.EndRowIndex, g.EndColumnIndex}
	if dst.r1 == 0 {
		dst.r1 = dt.rows()
	}
	if dst.c1 == 0 {
		dst.c1 = dt.cols()
	}
	h, w := src.r1-src.r0, src.c1-src.c0
	if h == 0 || w == 0 {
		return nil
	}
	ph, pw := h, w
	if dh := dst.r1 - dst.r0; dh > h && dh%h == 0 {
		ph = dh
	}
	if dw := dst.c1 - dst.c0; dw > w && dw%w == 0 {
		pw = dw
	}
	if dst.r0+ph > dt.rows() || dst.c0+pw > dt.cols() {
		return failf("Range (%s!%s%d:%s%d) exceeds grid limits. Max rows: %d, max columns: %d",
			quoteTitle(dt.Props.Title), colName(dst.c0), dst.r0+1, colName(dst.c0+pw-1), dst.r0+ph, dt.rows(), dt.cols())
	}
	// Take the source first: it may overlap the destination.
	cells := make([][]*sheetsapi.CellData, h)
	for i := range cells {
		cells[i] = make([]*sheetsapi.CellData, w)
		for j := range cells[i] {
			cells[i][j] = st.cell(src.r0+int64(i), src.c0+int64(j))
		}
	}
	for row := dst.r0; row < dst.r0+ph; row++ {
		for col := dst.c0; col < dst.c0+pw; col++ {
			from := cells[(row-dst.r0)%h][(col-dst.c0)%w]
			if from == nil && dt.cell(row, col) == nil {
				continue
			}
			dt.setCell(row, col, mergeCell(dt.cell(row, col), from, fields))
		}
	}
	return nil
}

// checkVisible enforces the rule the API shares with the UI: a spreadsheet keeps at least
// one tab that is not hidden.
func (b *book) checkVisible() error {
	for _, t := range b.Tabs {
		if !t.Props.Hidden {
			return nil
		}
	}
	if len(b.Tabs) == 0 {
		return nil
	}
	return failf("You can't hide all the sheets in a document.")
}
