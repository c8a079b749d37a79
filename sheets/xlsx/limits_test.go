package xlsx

import (
	"strings"
	"testing"
)

// TestRowsAndColumnsPastTheSheetLimitsAreRefused: a sheet part naming a row past 1,048,576 or
// a column past XFD is not a sheet any program wrote; reading it stops with an error naming
// the row instead of growing a grid without end.
func TestRowsAndColumnsPastTheSheetLimitsAreRefused(t *testing.T) {
	tests := []struct {
		name, rows string
		ok         bool
	}{
		{"the last row", `<row r="1048576"><c r="A1048576"><v>1</v></c></row>`, true},
		{"one row past the last", `<row r="1048577"><c r="A1048577"><v>1</v></c></row>`, false},
		{"a row number that overflows", `<row r="99999999999999999999"><c><v>1</v></c></row>`, true}, // unreadable r: taken as the next row
		{"rows out of order", `<row r="5"><c><v>1</v></c></row><row r="3"><c><v>1</v></c></row>`, false},
		{"the last column", `<row r="1"><c r="XFD1"><v>1</v></c></row>`, true},
		{"a column past the last", `<row r="1"><c r="XFE1"><v>1</v></c></row>`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &sheetParser{budget: newCellBudget(1 << 16)}
			rows, err := p.parse([]byte(sheetXML(tc.rows)))
			if tc.ok {
				if err != nil {
					t.Fatalf("parse = %v; want it read", err)
				}
				for _, row := range rows {
					if len(row) > maxColumns {
						t.Errorf("a row of %d cells", len(row))
					}
				}
				if len(rows) > maxRows {
					t.Errorf("%d rows", len(rows))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "row") {
				t.Fatalf("parse = %v; want an error naming the row", err)
			}
		})
	}
}
