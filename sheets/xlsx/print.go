package xlsx

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// printTitlesName is the defined name Excel and LibreOffice read as the rows repeated at
// the top of every printed page.
const printTitlesName = "_xlnm.Print_Titles"

// printSetup makes an output tab print as a leader wants it on paper: landscape, one page
// wide and as many pages tall as it needs (the font shrinks to fit the width, never to fit
// the height), with the frozen rows, the legend and the header, repeated at the top of
// every page, and the tab's name and page number in the footer. A chart anchored near the
// top then lands whole on the first page: it is as tall as about 30 rows, and a page that
// is shrunk to fit the width holds more rows than that.
func (r *renderer) printSetup(t sheets.Tab) error {
	landscape, wide, tall := "landscape", 1, 0 // 0 pages tall: as many as it takes
	if err := r.f.SetSheetProps(t.Name, &excelize.SheetPropsOptions{FitToPage: boolPtr(true)}); err != nil {
		return fmt.Errorf("fit to page: %w", err)
	}
	if err := r.f.SetPageLayout(t.Name, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return fmt.Errorf("page layout: %w", err)
	}
	side, edge, band := 0.4, 0.6, 0.3 // inches: narrow margins, room for the footer
	if err := r.f.SetPageMargins(t.Name, &excelize.PageLayoutMarginsOptions{Left: &side, Right: &side, Top: &edge, Bottom: &edge,
		Header: &band, Footer: &band}); err != nil {
		return fmt.Errorf("page margins: %w", err)
	}
	if err := r.f.SetHeaderFooter(t.Name, &excelize.HeaderFooterOptions{OddFooter: "&L&A&RPage &P of &N"}); err != nil {
		return fmt.Errorf("page footer: %w", err)
	}
	// The tab was cleared, but its defined names live in the workbook: replace the old one.
	if err := r.f.DeleteDefinedName(&excelize.DefinedName{Name: printTitlesName, Scope: t.Name}); err != nil && !errors.Is(err, excelize.ErrDefinedNameScope) {
		return fmt.Errorf("remove old print titles: %w", err)
	}
	if t.FrozenRows > 0 && t.FrozenRows < maxRows {
		refersTo := "'" + strings.ReplaceAll(t.Name, "'", "''") + "'!$1:$" + strconv.Itoa(t.FrozenRows)
		if err := r.f.SetDefinedName(&excelize.DefinedName{Name: printTitlesName, RefersTo: refersTo, Scope: t.Name}); err != nil {
			return fmt.Errorf("repeat the top rows on every printed page: %w", err)
		}
	}
	return nil
}

// legendSpan is where a tab's legend (Tab.Legend) spreads: over columns A to end, the last
// column any other row uses (hidden helper columns aside), in a row height tall enough for
// the wrapped text. end is 0 when the legend stays as it is: no legend, or one column.
func legendSpan(t sheets.Tab) (end int, height float64) {
	if !t.Legend || len(t.Rows) == 0 || len(t.Rows[0]) == 0 || t.Rows[0][0].Kind != sheets.Text {
		return 0, 0
	}
	for _, c := range t.Rows[0][1:] {
		if !c.IsBlank() {
			return 0, 0 // the row holds more than the legend: leave it as laid out
		}
	}
	hidden := map[int]bool{}
	for _, c := range t.HiddenCols {
		hidden[c] = true
	}
	for _, row := range t.Rows[1:] {
		for c := len(row) - 1; c > end; c-- {
			if !hidden[c] && !row[c].IsBlank() {
				end = c
				break
			}
		}
	}
	end = min(end, maxColumns-1)
	if end == 0 {
		return 0, 0
	}
	width := 0.0
	for c := 0; c <= end; c++ {
		if hidden[c] {
			continue
		}
		w := defaultColumnWidth
		if c < len(t.Widths) && t.Widths[c] > 0 {
			w = t.Widths[c]
		}
		width += w
	}
	return end, math.Min((float64(textLines(t.Rows[0][0].Text, width))+0.2)*lineHeight, maxRowHeight)
}

// wrappedLines is how many lines the row's tallest wrapped cell (a text in one of the wrap
// columns) takes.
func wrappedLines(t sheets.Tab, row []sheets.Cell, wrap map[int]bool) int {
	lines := 1
	for c := range wrap {
		if c < len(row) && row[c].Kind == sheets.Text && row[c].Text != "" {
			w := defaultColumnWidth
			if c < len(t.Widths) && t.Widths[c] > 0 {
				w = t.Widths[c]
			}
			lines = max(lines, textLines(row[c].Text, w))
		}
	}
	return lines
}

// textLines estimates the lines text wraps to in a width of the given characters. A width
// counts digit-wide characters and text averages about 0.9 of one; words do not break,
// so lines end early: 0.95 keeps the estimate on the generous side, as clipped text is
// worse than a blank line.
func textLines(text string, width float64) int {
	n := float64(utf8.RuneCountInString(text))
	return max(1, int(math.Ceil(n*0.95/max(width-1, 1))))
}

// Row geometry in the units spreadsheets use.
const (
	defaultColumnWidth = 8.43  // characters: a column with no width set
	lineHeight         = 15.0  // points per line of 11 pt text
	maxRowHeight       = 409.0 // points: the tallest row a sheet allows
)
