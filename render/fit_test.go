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
		16, // "Warm path" fits the width set on purpose, which stays
		30, // so does the partner
		60, // the long details wrap at the wrap width
		12, // a date, from the default width
		// and a hidden helper column is left alone
	}
	if !reflect.DeepEqual(tab.Widths, want) {
		t.Errorf("widths %v, want %v", tab.Widths, want)
	}
	if !reflect.DeepEqual(tab.WrapCols, []int{2}) {
		t.Errorf("wrap columns %v, want [2]: only the details run past the wrap width", tab.WrapCols)
	}

	// A column asked for wider than the wrap width is narrowed to it when its text wraps,
	// so a tab one page wide stays readable.
	tab.Rows = tab.Rows[:3]
	tab.Widths = []float64{16, 30, 90}
	tab.WrapCols = nil
	fitWidths(&tab)
	if got := tab.Widths[2]; got != wrapWidth || !reflect.DeepEqual(tab.WrapCols, []int{2}) {
		t.Errorf("detail width %v, wrap columns %v; want %v and [2]", got, tab.WrapCols, wrapWidth)
	}

	// Text that fits under the wrap width widens its column and does not wrap.
	tab.Rows[2][2] = tx(strings.Repeat("d", 50))
	tab.Widths = []float64{16, 30, 20}
	tab.WrapCols = nil
	fitWidths(&tab)
	if got := tab.Widths[2]; got != 47 || tab.WrapCols != nil {
		t.Errorf("detail width %v, wrap columns %v; want 47 (50 characters, most narrower than a digit, and a margin) and none", got, tab.WrapCols)
	}
}

func TestFitWidthsKeepsTheWidthOfAColumnAlreadyWrapped(t *testing.T) {
	tx := sheets.TextCell
	tab := sheets.Tab{
		Rows: [][]sheets.Cell{
			{tx("legend")},
			{tx("Partner"), tx("Goals")},
			{tx("Eastside Tenants Union"), tx(strings.Repeat("stop evictions ", 10))},
			{tx("P"), tx(strings.Repeat("g", 45))},
		},
		Widths:   []float64{10, 34},
		WrapCols: []int{1},
	}
	fitWidths(&tab)
	if want := []float64{22, 34}; !reflect.DeepEqual(tab.Widths, want) {
		t.Errorf("widths %v, want %v: the wrapped Goals keep the width asked for", tab.Widths, want)
	}
}
