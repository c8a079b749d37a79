package render

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/sheets"
)

func TestFitWidthsWidensToTheLongestCellOnly(t *testing.T) {
	tx := sheets.TextCell
	tab := sheets.Tab{
		Rows: [][]sheets.Cell{
			{tx(strings.Repeat("a legend that runs across the empty cells ", 5))},
			{tx("Kind"), tx("Partner"), tx("Detail"), tx("Due"), tx("Helper")},
			{tx("Warm path"), tx("Eastside Tenants Union"), tx(strings.Repeat("d", 87)), sheets.DateCell(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)), tx(strings.Repeat("h", 50))},
			{tx("New lead"), tx("Short"), tx(strings.Repeat("x", 300))},
		},
		BoldRows:   []int{1},
		Widths:     []float64{16, 30, 60},
		HiddenCols: []int{4},
	}
	fitWidths(&tab)
	want := []float64{
		16,  // "Warm path" fits the width set on purpose, which stays
		30,  // so does the partner
		100, // the longest detail is cut at the cap
		12,  // a date, from the default width
		// and a hidden helper column is left alone
	}
	if !reflect.DeepEqual(tab.Widths, want) {
		t.Errorf("widths %v, want %v", tab.Widths, want)
	}

	tab.Rows = tab.Rows[:3]
	tab.Widths = []float64{16, 30, 60}
	fitWidths(&tab)
	if got := tab.Widths[2]; got != 81 {
		t.Errorf("detail width %v, want 81 (87 characters, most narrower than a digit, and a margin)", got)
	}
}
