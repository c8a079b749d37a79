package xlsx

import (
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// printTab is an output tab as render lays one out: a long legend, a header, data rows
// with a long text column that wraps.
func printTab(name string) sheets.Tab {
	tab := sheets.Tab{Name: name, FrozenRows: 2, BoldRows: []int{1}, Legend: true, Widths: []float64{20, 10, 30}, WrapCols: []int{2},
		Rows: [][]sheets.Cell{text(strings.Repeat("A legend that runs on. ", 12)), text("Partner", "Score", "Why")}}
	for i := range 40 {
		why := "short"
		if i%2 == 0 {
			why = strings.Repeat("a long reason ", 8)
		}
		tab.Rows = append(tab.Rows, []sheets.Cell{sheets.TextCell(fmt.Sprintf("Partner %d", i)), sheets.IntCell(i), sheets.TextCell(why)})
	}
	return tab
}

// TestEveryOutputTabPrintsLandscapeOneWideWithItsHeaderOnEveryPage: the page setup a
// leader who prints the workbook gets, on a new tab and again after the next sync
// rewrites it (one set of print titles, not two).
func TestEveryOutputTabPrintsLandscapeOneWideWithItsHeaderOnEveryPage(t *testing.T) {
	w := New(inputFixture(t), Options{})
	tabs := []sheets.Tab{printTab("Priorities"), printTab("Chapter's Issues")}
	tabs[1].FrozenRows = 1
	for sync := 1; sync <= 2; sync++ {
		writeTabs(t, w, tabs)
		f, err := excelize.OpenFile(w.path)
		must(t, err)
		for _, tab := range tabs {
			lay, err := f.GetPageLayout(tab.Name)
			must(t, err)
			if lay.Orientation == nil || *lay.Orientation != "landscape" || lay.FitToWidth == nil || *lay.FitToWidth != 1 ||
				lay.FitToHeight == nil || *lay.FitToHeight != 0 {
				t.Errorf("sync %d, %s: page layout %s; want landscape, 1 page wide, any height", sync, tab.Name, describeLayout(lay))
			}
			props, err := f.GetSheetProps(tab.Name)
			must(t, err)
			if props.FitToPage == nil || !*props.FitToPage {
				t.Errorf("sync %d, %s: fit to page is off, so the page setup's fit is ignored", sync, tab.Name)
			}
			var titles []string
			for _, dn := range f.GetDefinedName() {
				if dn.Name == printTitlesName && dn.Scope == tab.Name {
					titles = append(titles, dn.RefersTo)
				}
			}
			want := fmt.Sprintf("'%s'!$1:$%d", strings.ReplaceAll(tab.Name, "'", "''"), tab.FrozenRows)
			if len(titles) != 1 || titles[0] != want {
				t.Errorf("sync %d, %s: rows repeated on every page %q; want [%s]", sync, tab.Name, titles, want)
			}
			hf, err := f.GetHeaderFooter(tab.Name)
			must(t, err)
			if !strings.Contains(hf.OddFooter, "&A") || !strings.Contains(hf.OddFooter, "&P of &N") {
				t.Errorf("sync %d, %s: footer %q does not name the tab and the page", sync, tab.Name, hf.OddFooter)
			}
		}
		must(t, f.Close())
	}
}

func describeLayout(l excelize.PageLayoutOptions) string {
	s := func(p *string) string {
		if p == nil {
			return "unset"
		}
		return *p
	}
	i := func(p *int) string {
		if p == nil {
			return "unset"
		}
		return fmt.Sprint(*p)
	}
	return fmt.Sprintf("orientation %s, %s wide, %s tall", s(l.Orientation), i(l.FitToWidth), i(l.FitToHeight))
}

// TestTheLegendSpreadsOverTheTabAndLongTextWraps: the legend is merged over the columns
// the tab uses and wrapped in a row tall enough for it, so it prints whole instead of
// being cut at the page edge; a long text in a wrap column wraps in a taller row.
func TestTheLegendSpreadsOverTheTabAndLongTextWraps(t *testing.T) {
	w := New(inputFixture(t), Options{})
	tab := printTab("Priorities")
	tab.HiddenCols = []int{5}
	tab.Rows[3] = append(tab.Rows[3], sheets.Cell{}, sheets.Cell{}, sheets.NumberCell(1)) // a hidden helper cell
	writeTabs(t, w, []sheets.Tab{tab})
	f, err := excelize.OpenFile(w.path)
	must(t, err)
	defer f.Close()
	merged, err := f.GetMergeCells(tab.Name)
	must(t, err)
	if len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "C1" {
		t.Fatalf("merged ranges %v; want the legend over A1:C1 (the helper column F left out)", merged)
	}
	wraps := func(cell string) bool {
		id, err := f.GetCellStyle(tab.Name, cell)
		must(t, err)
		st, err := f.GetStyle(id)
		must(t, err)
		return st.Alignment != nil && st.Alignment.WrapText
	}
	height := func(row int) float64 {
		h, err := f.GetRowHeight(tab.Name, row)
		must(t, err)
		return h
	}
	// 276 characters over 60 columns of width: 5 lines.
	if !wraps("A1") || height(1) < 5*lineHeight {
		t.Errorf("legend: wraps %v, row height %v; want wrapped in a row of at least 5 lines", wraps("A1"), height(1))
	}
	// "a long reason " ×8 is 112 characters in a column 30 wide: 4 lines.
	if !wraps("C3") || height(3) < 4*lineHeight {
		t.Errorf("long Why: wraps %v, row height %v; want wrapped in a row of at least 4 lines", wraps("C3"), height(3))
	}
	if h := height(4); h > lineHeight+1 {
		t.Errorf("a row of short text is %v points tall; want one line", h)
	}
	if wraps("A3") {
		t.Error("a column that is not a wrap column wraps")
	}
}
