package render

import (
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/partnermap/partnermap/sheets"
)

// Column fitting: a column is widened to its longest cell so that names, dates and next
// steps show whole, up to maxFitWidth characters. A column with longer text, such as a
// long "Why", is wrapWidth wide and wraps its text, the row growing taller: the whole text
// shows, the tab does not scroll sideways, and a page one tab wide stays readable.
const (
	maxFitWidth = 100
	wrapWidth   = 60
	// defaultWidth is what a spreadsheet program shows for a column with no width set.
	defaultWidth = 8.43
	// fitRows bounds the rows measured: the first screens are what people look at, and
	// measuring every row of a 100k-partner tab would cost more than the rest of rendering.
	fitRows = 2000
)

// fitWidths widens t's columns to fit their cells, never narrowing a width set on purpose.
// Row 0 is skipped: it is the one-line legend, meant to run across the empty cells beside it.
func fitWidths(t *sheets.Tab) {
	hidden := map[int]bool{}
	for _, c := range t.HiddenCols {
		hidden[c] = true
	}
	bold := map[int]bool{}
	for _, r := range t.BoldRows {
		bold[r] = true
	}
	// A column the tab already wraps at a width of its own keeps that width: its text wraps.
	keep := map[int]bool{}
	for _, c := range t.WrapCols {
		if c < len(t.Widths) && t.Widths[c] > 0 {
			keep[c] = true
		}
	}
	for r := 1; r < len(t.Rows) && r <= fitRows; r++ {
		for c, cell := range t.Rows[r] {
			if hidden[c] || keep[c] || cell.IsBlank() {
				continue
			}
			// A width counts digit-wide characters; most letters are narrower, bold ones
			// about as wide.
			need := cellWidth(cell)
			if cell.Kind == sheets.Text && !bold[r] {
				need *= 0.9
			}
			need = math.Min(math.Ceil(need)+2, maxFitWidth)
			for len(t.Widths) <= c {
				t.Widths = append(t.Widths, 0)
			}
			if cell.Kind == sheets.Text && need > wrapWidth {
				if !slices.Contains(t.WrapCols, c) {
					t.WrapCols = append(t.WrapCols, c)
				}
				t.Widths[c] = wrapWidth // even where a wider column was asked for
				continue
			}
			have := t.Widths[c]
			if have <= 0 {
				have = defaultWidth
			}
			if need > have {
				t.Widths[c] = need
			}
		}
	}
}

// cellWidth is about how many characters wide the cell shows. It allocates nothing: it
// runs over thousands of cells on every render.
func cellWidth(c sheets.Cell) float64 {
	switch c.Kind {
	case sheets.Text:
		return float64(utf8.RuneCountInString(c.Text))
	case sheets.Number:
		var buf [32]byte
		return float64(len(strconv.AppendFloat(buf[:0], c.Num, 'f', -1, 64)))
	case sheets.Date:
		if t := c.Time(); t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return float64(len("2006-01-02"))
		}
		return float64(len("2006-01-02 15:04"))
	case sheets.Bool:
		return float64(len("FALSE"))
	}
	return 0
}
