package google_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google/fake"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// powerMapTab lays out a power map the way render does: three partners in two quadrants,
// hidden helper columns U.. with one y column per quadrant below a header row naming the
// series, and the two quadrant lines.
func powerMapTab(name string) sheets.Tab {
	const h = 20
	tab := sheets.Tab{Name: name, FrozenRows: 1, HiddenCols: []int{h, h + 1, h + 2, h + 5, h + 6}}
	put := func(r, c int, cell sheets.Cell) {
		for len(tab.Rows) <= r {
			tab.Rows = append(tab.Rows, nil)
		}
		for len(tab.Rows[r]) <= c {
			tab.Rows[r] = append(tab.Rows[r], sheets.Cell{})
		}
		tab.Rows[r][c] = cell
	}
	put(0, 0, sheets.TextCell("The power map. As of 2026-11-23."))
	for c, s := range []string{"Partner", "Support", "Power"} {
		put(1, c, sheets.TextCell(s))
	}
	for c, s := range []string{"Chart: support", "Q1 Engage", "Q2 Persuade", "", "", "Line: support 0", "Line: power 3"} {
		put(1, h+c, sheets.TextCell(s))
	}
	chart := &sheets.Chart{Title: "Power map: support against power", XTitle: "Support", YTitle: "Power",
		XMin: -3, XMax: 3, YMin: 1, YMax: 5, AnchorRow: 1, AnchorCol: 6}
	r := 2
	add := func(q int, tone sheets.Tone, pts [][2]float64, label string) {
		first := r
		for i, p := range pts {
			put(r, 0, sheets.TextCell(fmt.Sprintf("%s %d", label, i+1)))
			put(r, 1, sheets.NumberCell(p[0]))
			put(r, 2, sheets.NumberCell(p[1]))
			put(r, h, sheets.NumberCell(p[0]))
			put(r, h+q, sheets.NumberCell(p[1]))
			r++
		}
		chart.Series = append(chart.Series, sheets.Series{Name: label, XCol: h, YCol: h + q, LabelCol: 0, FirstRow: first, LastRow: r - 1, Tone: tone})
	}
	add(1, sheets.ToneGood, [][2]float64{{2, 4}, {1, 4.4}}, "Q1 Engage")
	add(2, sheets.ToneWarn, [][2]float64{{-1, 5}}, "Q2 Persuade")
	line := func(col int, name string, a, b [2]float64) {
		for _, p := range [][2]float64{a, b} {
			put(r, h, sheets.NumberCell(p[0]))
			put(r, h+col, sheets.NumberCell(p[1]))
			r++
		}
		chart.Series = append(chart.Series, sheets.Series{Name: name, XCol: h, YCol: h + col, FirstRow: r - 2, LastRow: r - 1, Tone: sheets.ToneMuted, Line: true})
	}
	line(5, "Line: support 0", [2]float64{0, 1}, [2]float64{0, 5})
	line(6, "Line: power 3", [2]float64{-3, 3}, [2]float64{3, 3})
	tab.Chart = chart
	return tab
}

func charts(t *testing.T, f *fake.Server, tab string) []*sheetsapi.EmbeddedChart {
	t.Helper()
	sh, ok := f.Sheet(sheetID, tab)
	if !ok {
		t.Fatalf("no tab %q", tab)
	}
	return sh.Charts
}

func TestPowerMapChartMatchesGolden(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	mustWrite(t, s, nil, powerMapTab("Power Map"))
	cs := charts(t, f, "Power Map")
	if len(cs) != 1 {
		t.Fatalf("%d charts, want 1", len(cs))
	}
	got, err := json.MarshalIndent(cs[0], "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "powermap-chart.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("chart differs from %s (run with -update after an intended change):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// rangeOf is the one grid range of chart data.
func rangeOf(t *testing.T, d *sheetsapi.ChartData) *sheetsapi.GridRange {
	t.Helper()
	if d == nil || d.SourceRange == nil || len(d.SourceRange.Sources) != 1 {
		t.Fatalf("chart data %+v is not one range", d)
	}
	return d.SourceRange.Sources[0]
}

func TestChartSharesOneDomainAndNamesSeriesFromTheHeaderRow(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	tab := powerMapTab("Power Map")
	mustWrite(t, s, nil, tab)
	spec := charts(t, f, "Power Map")[0].Spec
	basic := spec.BasicChart
	if basic.ChartType != "SCATTER" || basic.HeaderCount != 1 {
		t.Fatalf("chart type %s with %d header rows, want SCATTER with 1", basic.ChartType, basic.HeaderCount)
	}
	if spec.HiddenDimensionStrategy != "SHOW_ALL" {
		t.Errorf("hidden data strategy %q: the helper columns are hidden, so they must be plotted", spec.HiddenDimensionStrategy)
	}
	dom := rangeOf(t, basic.Domains[0].Domain)
	if dom.StartRowIndex != 1 || dom.EndRowIndex != 9 || dom.StartColumnIndex != 20 {
		t.Errorf("domain rows %d..%d column %d, want the header row 1 through the last line row (9, exclusive) of column 20",
			dom.StartRowIndex, dom.EndRowIndex, dom.StartColumnIndex)
	}
	if len(basic.Series) != len(tab.Chart.Series) {
		t.Fatalf("%d series, want %d", len(basic.Series), len(tab.Chart.Series))
	}
	for i, bs := range basic.Series {
		want := tab.Chart.Series[i]
		r := rangeOf(t, bs.Series)
		if r.StartRowIndex != dom.StartRowIndex || r.EndRowIndex != dom.EndRowIndex || r.StartColumnIndex != int64(want.YCol) {
			t.Errorf("series %q reads rows %d..%d of column %d, want the domain's rows of column %d",
				want.Name, r.StartRowIndex, r.EndRowIndex, r.StartColumnIndex, want.YCol)
		}
		if name := tab.Rows[r.StartRowIndex][r.StartColumnIndex].Text; name != want.Name {
			t.Errorf("series %q is named %q by its header cell", want.Name, name)
		}
		switch {
		case want.Line && (bs.LineStyle == nil || bs.DataLabel != nil):
			t.Errorf("line %q: line style %+v, labels %+v; want a line without labels", want.Name, bs.LineStyle, bs.DataLabel)
		case !want.Line && (bs.DataLabel == nil || bs.DataLabel.Type != "CUSTOM"):
			t.Errorf("points %q are not labelled with names: %+v", want.Name, bs.DataLabel)
		case !want.Line && rangeOf(t, bs.DataLabel.CustomLabelData).StartColumnIndex != 0:
			t.Errorf("points %q take labels from column %d, want the partner column 0", want.Name,
				rangeOf(t, bs.DataLabel.CustomLabelData).StartColumnIndex)
		}
	}
	// The legend names the quadrants in their colours (each quadrant is one series here).
	if basic.LegendPosition != "BOTTOM_LEGEND" {
		t.Errorf("legend at %q; want BOTTOM_LEGEND, naming the quadrants' colours", basic.LegendPosition)
	}
	for i, ax := range basic.Axis {
		lo, hi := []float64{-3, 1}[i], []float64{3, 5}[i]
		if w := ax.ViewWindowOptions; w == nil || w.ViewWindowMin != lo || w.ViewWindowMax != hi || w.ViewWindowMode != "EXPLICIT" {
			t.Errorf("axis %s window %+v, want %v..%v", ax.Position, w, lo, hi)
		}
	}
}

func TestChartIsReplacedNotDuplicatedOnEverySync(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	tab := powerMapTab("Power Map")
	mustWrite(t, s, nil, tab)
	id := charts(t, f, "Power Map")[0].ChartId
	tab.Chart.Title = "Renamed"
	for range 2 {
		mustWrite(t, s, nil, tab)
		cs := charts(t, f, "Power Map")
		if len(cs) != 1 || cs[0].ChartId != id {
			t.Fatalf("charts after a second sync: %d, ids %v; want the one chart %d", len(cs), chartIDs(cs), id)
		}
		if cs[0].Spec.Title != "Renamed" {
			t.Errorf("chart title %q, want the new spec", cs[0].Spec.Title)
		}
	}
}

func chartIDs(cs []*sheetsapi.EmbeddedChart) []int64 {
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.ChartId)
	}
	return ids
}

func TestChartsNoLongerWantedAreDeleted(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	tab := powerMapTab("Power Map")
	mustWrite(t, s, nil, tab)
	tab.Chart = nil
	mustWrite(t, s, nil, tab)
	if cs := charts(t, f, "Power Map"); len(cs) != 0 {
		t.Errorf("charts %v left on a tab that has none now", chartIDs(cs))
	}
}

func TestEachTabGetsAChartIDOfItsOwn(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	mustWrite(t, s, nil, powerMapTab("Power Map"), powerMapTab("Chapter map"))
	a, b := charts(t, f, "Power Map"), charts(t, f, "Chapter map")
	if len(a) != 1 || len(b) != 1 || a[0].ChartId == b[0].ChartId {
		t.Errorf("chart ids %v and %v, want one distinct chart per tab", chartIDs(a), chartIDs(b))
	}
}

// progressTab lays out weekly ring counts the way render's Progress tab does: a legend,
// a header naming the series, a week per row, and a line chart of the five ring columns.
func progressTab(name string, weeks int) sheets.Tab {
	tab := sheets.Tab{Name: name, FrozenRows: 2}
	tab.Rows = append(tab.Rows, []sheets.Cell{sheets.TextCell("Week by week.")},
		[]sheets.Cell{sheets.TextCell("Week"), sheets.TextCell("Ring 1"), sheets.TextCell("Ring 2"), sheets.TextCell("Ring 3"), sheets.TextCell("Ring 4"), sheets.TextCell("Ring 5")})
	for w := range weeks {
		row := []sheets.Cell{sheets.DateCell(time.Date(2026, 11, 2+7*w, 0, 0, 0, 0, time.UTC))}
		for ring := 1; ring <= 5; ring++ {
			row = append(row, sheets.IntCell(ring+w))
		}
		tab.Rows = append(tab.Rows, row)
	}
	chart := &sheets.Chart{Kind: sheets.LineChart, Title: "Active partners per ring, week by week", XTitle: "Week", YTitle: "Partners", AnchorRow: 1, AnchorCol: 7}
	for ring := 1; ring <= 5; ring++ {
		chart.Series = append(chart.Series, sheets.Series{Name: fmt.Sprintf("Ring %d", ring), XCol: 0, YCol: ring, FirstRow: 2, LastRow: 1 + weeks, Tone: sheets.ToneGood})
	}
	tab.Chart = chart
	return tab
}

func TestProgressLineChartMatchesGolden(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	mustWrite(t, s, nil, progressTab("Progress", 3))
	mustWrite(t, s, nil, progressTab("Progress", 4)) // a second write updates the one chart
	cs := charts(t, f, "Progress")
	if len(cs) != 1 {
		t.Fatalf("%d charts, want 1", len(cs))
	}
	basic := cs[0].Spec.BasicChart
	if basic.ChartType != "LINE" || len(basic.Series) != 5 || basic.HeaderCount != 1 {
		t.Errorf("chart %s with %d series and %d header rows, want LINE, 5, 1", basic.ChartType, len(basic.Series), basic.HeaderCount)
	}
	if dom := rangeOf(t, basic.Domains[0].Domain); dom.StartColumnIndex != 0 || dom.StartRowIndex != 1 || dom.EndRowIndex != 6 {
		t.Errorf("domain column %d rows %d..%d, want the week column from the header to the 4th week", dom.StartColumnIndex, dom.StartRowIndex, dom.EndRowIndex)
	}
	for _, bs := range basic.Series {
		if bs.DataLabel != nil || bs.LineStyle == nil {
			t.Errorf("series %+v: a line chart draws lines without labels", bs)
		}
	}
	got, err := json.MarshalIndent(cs[0], "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "progress-chart.json"), append(got, '\n'))
}

func checkGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("chart differs from %s (run with -update after an intended change):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// twoChartTab is a tab of two blocks, a chart beside each: the first chart on Chart, the
// second on Charts, anchored lower down (as the campaign maps tab places one per campaign).
func twoChartTab(name string, secondAnchor int) sheets.Tab {
	tab := powerMapTab(name)
	second := *tab.Chart
	second.Title = "Second block"
	second.AnchorRow = secondAnchor
	tab.Charts = []sheets.Chart{second}
	for len(tab.Rows) <= secondAnchor {
		tab.Rows = append(tab.Rows, nil)
	}
	return tab
}

func TestSeveralChartsOnATabKeepTheirIDsAndFollowTheirAnchors(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	mustWrite(t, s, nil, twoChartTab("Campaign Maps", 30))
	cs := charts(t, f, "Campaign Maps")
	if len(cs) != 2 || cs[0].ChartId == cs[1].ChartId {
		t.Fatalf("charts %v, want two with ids of their own", chartIDs(cs))
	}
	ids := chartIDs(cs)

	// The first block grew: the second chart moves down with it, and keeps its id.
	mustWrite(t, s, nil, twoChartTab("Campaign Maps", 45))
	cs = charts(t, f, "Campaign Maps")
	if got := chartIDs(cs); len(got) != 2 || got[0] != ids[0] || got[1] != ids[1] {
		t.Fatalf("charts after a second sync %v, want the same two %v", got, ids)
	}
	if row := cs[1].Position.OverlayPosition.AnchorCell.RowIndex; row != 45 || cs[1].Spec.Title != "Second block" {
		t.Errorf("second chart at row %d titled %q, want row 45", row, cs[1].Spec.Title)
	}

	// One campaign left: its chart goes, the first stays.
	tab := twoChartTab("Campaign Maps", 45)
	tab.Charts = nil
	mustWrite(t, s, nil, tab)
	if got := chartIDs(charts(t, f, "Campaign Maps")); len(got) != 1 || got[0] != ids[0] {
		t.Errorf("charts %v, want only the first %d", got, ids[0])
	}
}
