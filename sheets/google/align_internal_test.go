package google

import (
	"testing"
	"time"

	"github.com/partnermap/partnermap/sheets"
)

// Numbers and dates are centred, so a Score does not run into the Quadrant beside it.
func TestNumbersAndDatesAreCentred(t *testing.T) {
	for _, tc := range []struct {
		cell sheets.Cell
		want string
	}{
		{sheets.IntCell(66), "CENTER"},
		{sheets.DateCell(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)), "CENTER"},
		{sheets.TextCell("Q1 Engage"), ""},
	} {
		d := cellData(tc.cell, false, "", false)
		got := ""
		if d.UserEnteredFormat != nil {
			got = d.UserEnteredFormat.HorizontalAlignment
		}
		if got != tc.want {
			t.Errorf("%v aligned %q, want %q", tc.cell, got, tc.want)
		}
	}
}
