package xlsx

import (
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// Numbers and dates of an output tab are centred, so a Score does not run into the
// Quadrant beside it ("66Q1 Engage"); text keeps the default left alignment.
func TestNumbersAndDatesDoNotTouchTheTextBesideThem(t *testing.T) {
	path := inputFixture(t)
	w := New(path, Options{})
	row := []sheets.Cell{sheets.IntCell(1), sheets.TextCell("Eastside Tenants Union"), sheets.IntCell(66), sheets.TextCell("Q1 Engage"),
		sheets.DateCell(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))}
	must(t, w.Write(ctx, mustRead(t, w), []sheets.Tab{{Name: "Priorities", Rows: [][]sheets.Cell{text("Rank", "Partner", "Score", "Quadrant", "Last contact"), row}}}, nil))
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	for axis, want := range map[string]string{"A2": "center", "B2": "", "C2": "center", "D2": "", "E2": "center"} {
		id, err := f.GetCellStyle("Priorities", axis)
		must(t, err)
		st, err := f.GetStyle(id)
		must(t, err)
		got := ""
		if st.Alignment != nil {
			got = st.Alignment.Horizontal
		}
		if got != want {
			t.Errorf("%s aligned %q, want %q", axis, got, want)
		}
	}
}
