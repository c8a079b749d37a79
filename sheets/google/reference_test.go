package google

// The generated client's decoding of grid data, and one RowData parsed alone: the references
// the streamed read is held to (stream_test.go); the read itself uses neither.

import (
	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

// decodeRows turns grid data into typed rows: ragged, placed by startRow/startColumn,
// without trailing blank rows; missing rowData is an empty tab.
func decodeRows(data []*sheetsapi.GridData) [][]sheets.Cell {
	var rows [][]sheets.Cell
	for _, gd := range data {
		if gd == nil {
			continue
		}
		for i, rd := range gd.RowData {
			r := int(gd.StartRow) + i
			for len(rows) <= r {
				rows = append(rows, nil)
			}
			if rd == nil {
				continue
			}
			for j, cd := range rd.Values {
				c := int(gd.StartColumn) + j
				cell := decodeCell(cd)
				if cell.IsBlank() {
					continue
				}
				for len(rows[r]) <= c {
					rows[r] = append(rows[r], sheets.Cell{})
				}
				rows[r][c] = cell
			}
		}
	}
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows
}

// decodeCell reads a cell's effective value from the generated client's struct.
func decodeCell(cd *sheetsapi.CellData) sheets.Cell {
	if cd == nil || cd.EffectiveValue == nil {
		return sheets.Cell{}
	}
	v := cd.EffectiveValue
	var format string
	if f := cd.EffectiveFormat; f != nil && f.NumberFormat != nil {
		format = f.NumberFormat.Type
	}
	var errType *string
	if v.ErrorValue != nil {
		errType = &v.ErrorValue.Type
	}
	return effectiveCell(v.StringValue, v.BoolValue, v.NumberValue, errType, format)
}

// parseRow reads one RowData object, alone in b, into cells (see cells).
func parseRow(b []byte) ([]sheets.Cell, error) {
	p := &parser{b: b, mark: -1, hold: -1}
	cells, err := p.cells()
	if err == nil {
		err = p.end()
	}
	if err != nil {
		return nil, err
	}
	return cells, nil
}
