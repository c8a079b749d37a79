package xlsx

import (
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// powerMapTab lays out a power map the way render does: three partners in two quadrants,
// hidden helper columns U.. with one y column per quadrant, and the two quadrant lines.
func powerMapTab(name string, partners int) sheets.Tab {
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
	engage := [][2]float64{{2, 4}, {1, 4.4}}
	for len(engage) < partners-1 {
		engage = append(engage, [2]float64{1.5, 3 + float64(len(engage)%20)/10})
	}
	add(1, sheets.ToneGood, engage, "Engage")
	add(2, sheets.ToneWarn, [][2]float64{{-1, 5}}, "Persuade")
	line := func(col int, a, b [2]float64) {
		for _, p := range [][2]float64{a, b} {
			put(r, h, sheets.NumberCell(p[0]))
			put(r, h+col, sheets.NumberCell(p[1]))
			r++
		}
		chart.Series = append(chart.Series, sheets.Series{Name: "line", XCol: h, YCol: h + col, FirstRow: r - 2, LastRow: r - 1, Tone: sheets.ToneMuted, Line: true})
	}
	line(5, [2]float64{0, 1}, [2]float64{0, 5})
	line(6, [2]float64{-3, 3}, [2]float64{3, 3})
	tab.Chart = chart
	return tab
}

// chartDoc is the part of a DrawingML chart the golden summary shows.
type chartDoc struct {
	Title    []string `xml:"chart>title>tx>rich>p>r>t"`
	Scatters []struct {
		Labels *struct {
			SerName struct {
				Val string `xml:"val,attr"`
			} `xml:"showSerName"`
		} `xml:"dLbls"`
		Series []struct {
			Name   string `xml:"tx>strRef>f"`
			X      string `xml:"xVal>strRef>f"`
			Y      string `xml:"yVal>numRef>f"`
			Symbol struct {
				Val string `xml:"val,attr"`
			} `xml:"marker>symbol"`
			MarkerFill struct {
				Val string `xml:"val,attr"`
			} `xml:"marker>spPr>solidFill>srgbClr"`
			LineFill struct {
				Val string `xml:"val,attr"`
			} `xml:"spPr>ln>solidFill>srgbClr"`
		} `xml:"ser"`
	} `xml:"chart>plotArea>scatterChart"`
	Axes []struct {
		Title []string `xml:"title>tx>rich>p>r>t"`
		Min   struct {
			Val string `xml:"val,attr"`
		} `xml:"scaling>min"`
		Max struct {
			Val string `xml:"val,attr"`
		} `xml:"scaling>max"`
	} `xml:"chart>plotArea>valAx"`
	Legend *struct {
		Pos struct {
			Val string `xml:"val,attr"`
		} `xml:"legendPos"`
		Entries []struct {
			Idx struct {
				Val int `xml:"val,attr"`
			} `xml:"idx"`
			Delete *struct {
				Val string `xml:"val,attr"`
			} `xml:"delete"`
		} `xml:"legendEntry"`
	} `xml:"chart>legend"`
}

// chartSummary describes every chart part of the workbook at path as lines of text.
func chartSummary(t *testing.T, path string) string {
	t.Helper()
	parts := partBytes(t, path)
	var names []string
	for n := range parts {
		if strings.HasPrefix(n, "xl/charts/chart") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		var doc chartDoc
		must(t, xml.Unmarshal(parts[n], &doc))
		fmt.Fprintf(&b, "chart %q\n", strings.Join(doc.Title, ""))
		for _, ax := range doc.Axes {
			fmt.Fprintf(&b, "  axis %q %s..%s\n", strings.Join(ax.Title, ""), ax.Min.Val, ax.Max.Val)
		}
		hidden := map[int]bool{}
		if doc.Legend == nil {
			fmt.Fprintf(&b, "  no legend\n")
		} else {
			for _, e := range doc.Legend.Entries {
				if e.Delete != nil && e.Delete.Val == "1" {
					hidden[e.Idx.Val] = true
				}
			}
			fmt.Fprintf(&b, "  legend at %s, %d series left out\n", doc.Legend.Pos.Val, len(hidden))
		}
		idx := 0
		for i, sc := range doc.Scatters {
			labels := "no labels"
			if sc.Labels != nil && sc.Labels.SerName.Val == "1" {
				labels = "labelled with series names"
			}
			fmt.Fprintf(&b, "  scatter %d, %s\n", i+1, labels)
			for _, s := range sc.Series {
				inLegend := ""
				if doc.Legend != nil && !hidden[idx] {
					inLegend = " in legend"
				}
				idx++
				fmt.Fprintf(&b, "    series name=%s x=%s y=%s marker=%s fill=%s line=%s%s\n",
					s.Name, s.X, s.Y, s.Symbol.Val, s.MarkerFill.Val, s.LineFill.Val, inLegend)
			}
		}
	}
	return b.String()
}

func TestPowerMapChartMatchesGolden(t *testing.T) {
	w := New(inputFixture(t), Options{})
	writeTabs(t, w, []sheets.Tab{powerMapTab("Power Map", 3)})
	checkPackage(t, w.path)
	got := chartSummary(t, w.path)
	golden := filepath.Join("testdata", "powermap-chart.golden")
	if *update {
		must(t, os.MkdirAll("testdata", 0o755))
		must(t, os.WriteFile(golden, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("chart differs from %s (run with -update after an intended change):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

func TestChartIsReplacedNotAddedOnEverySync(t *testing.T) {
	w := New(inputFixture(t), Options{})
	tab := powerMapTab("Power Map", 3)
	for i := range 3 {
		writeTabs(t, w, []sheets.Tab{tab})
		n := 0
		for name := range partBytes(t, w.path) {
			if strings.HasPrefix(name, "xl/charts/chart") {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("after write %d: %d chart parts, want 1", i+1, n)
		}
	}
	checkPackage(t, w.path)
}

func TestChartSeriesNameQuotesTheTabName(t *testing.T) {
	w := New(inputFixture(t), Options{})
	writeTabs(t, w, []sheets.Tab{powerMapTab("Rivera's map", 3)})
	got := chartSummary(t, w.path)
	if !strings.Contains(got, "name='Rivera''s map'!$A$3 x='Rivera''s map'!$U$3 y='Rivera''s map'!$V$3") {
		t.Errorf("references do not quote the tab name:\n%s", got)
	}
}

func TestManyPointsAreGroupedByQuadrantWithoutNames(t *testing.T) {
	w := New(inputFixture(t), Options{})
	writeTabs(t, w, []sheets.Tab{powerMapTab("Power Map", maxLabelledPoints+5)})
	got := chartSummary(t, w.path)
	if strings.Contains(got, "labelled") {
		t.Errorf("points over the series limit are still labelled:\n%s", got)
	}
	if n := strings.Count(got, "series name="); n != 4 {
		t.Errorf("%d series, want 2 quadrants + 2 lines:\n%s", n, got)
	}
}

func TestHelperColumnsAreHidden(t *testing.T) {
	w := New(inputFixture(t), Options{})
	tab := powerMapTab("Power Map", 3)
	tab.Widths = []float64{30, 9}
	writeTabs(t, w, []sheets.Tab{tab})
	f, err := excelize.OpenFile(w.path)
	must(t, err)
	defer f.Close()
	for col, want := range map[string]bool{"A": true, "B": true, "C": true, "T": true, "U": false, "V": false, "W": false, "X": true, "Z": false, "AA": false, "AB": true} {
		got, err := f.GetColVisible("Power Map", col)
		must(t, err)
		if got != want {
			t.Errorf("column %s visible = %v, want %v", col, got, want)
		}
	}
	if wd, err := f.GetColWidth("Power Map", "A"); err != nil || wd != 30 {
		t.Errorf("column A width = %v (%v), want 30: hiding columns lost the widths", wd, err)
	}
}

func TestRulesBecomeConditionalFormatsThatDoNotPileUp(t *testing.T) {
	w := New(inputFixture(t), Options{})
	tab := sheets.Tab{Name: "Follow-ups", Rows: [][]sheets.Cell{text("legend"), text("Owner", "Partner", "Kind", "Due", "Days overdue"),
		{sheets.TextCell("Ana"), sheets.TextCell("Local 302"), sheets.TextCell("Next step overdue"), sheets.DateCell(day.AddDate(0, 0, -3)), sheets.IntCell(3)},
		{sheets.TextCell("Ana"), sheets.TextCell("Youth Voices"), sheets.TextCell("Next step due soon"), sheets.DateCell(day.AddDate(0, 0, 2))}},
		Rules: []sheets.Rule{
			{Col: 3, FirstRow: 2, LastRow: 3, When: sheets.DateBeforeToday, Tone: sheets.ToneAlert},
			{Col: 3, FirstRow: 2, LastRow: 3, When: sheets.DateWithinDays, Days: 7, Tone: sheets.ToneWarn},
			{Col: 4, FirstRow: 2, LastRow: 3, When: sheets.NumberAboveZero, Tone: sheets.ToneAlert},
			{Col: 4, FirstRow: 2, LastRow: 3, When: "unknown", Tone: sheets.ToneAlert},
		}}
	var dxfs []int
	for range 3 {
		writeTabs(t, w, []sheets.Tab{tab})
		f, err := excelize.OpenFile(w.path)
		must(t, err)
		cf, err := f.GetConditionalFormats("Follow-ups")
		must(t, err)
		got := map[string]string{}
		for ref, opts := range cf {
			for _, o := range opts {
				st, err := f.GetConditionalStyle(*o.Format)
				must(t, err)
				got[ref+" "+o.Criteria] = strings.Join(st.Fill.Color, ",")
			}
		}
		want := map[string]string{
			"D3:D4 AND(ISNUMBER(D3),D3<TODAY())":                "F4C7C3",
			"D3:D4 AND(ISNUMBER(D3),D3>=TODAY(),D3<=TODAY()+7)": "FCE8B2",
			"E3:E4 AND(ISNUMBER(E3),E3>0)":                      "F4C7C3",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("conditional formats %v, want %v", got, want)
		}
		n := 0
		for ; ; n++ {
			if _, err := f.GetConditionalStyle(n); err != nil {
				break
			}
		}
		dxfs = append(dxfs, n)
		must(t, f.Close())
	}
	if dxfs[0] != dxfs[2] {
		t.Errorf("rule styles in the workbook after each write: %v; rewriting must reuse them", dxfs)
	}
}

// progressTab lays out weekly ring counts the way render's Progress tab does, with a line
// chart of the five ring columns against the week column.
func progressTab(name string, weeks int) sheets.Tab {
	tab := sheets.Tab{Name: name, FrozenRows: 2, Rows: [][]sheets.Cell{text("Week by week."), text("Week", "Ring 1", "Ring 2", "Ring 3", "Ring 4", "Ring 5")}}
	for w := range weeks {
		row := []sheets.Cell{sheets.DateCell(day.AddDate(0, 0, 7*w))}
		for ring := 1; ring <= 5; ring++ {
			row = append(row, sheets.IntCell(ring+w))
		}
		tab.Rows = append(tab.Rows, row)
	}
	chart := &sheets.Chart{Kind: sheets.LineChart, Title: "Active partners per ring, week by week", XTitle: "Week", YTitle: "Partners", AnchorRow: 1, AnchorCol: 7}
	for ring := 1; ring <= 5; ring++ {
		chart.Series = append(chart.Series, sheets.Series{Name: fmt.Sprintf("Ring %d", ring), XCol: 0, YCol: ring, FirstRow: 2, LastRow: 1 + weeks, Tone: sheets.ToneInfo})
	}
	tab.Chart = chart
	return tab
}

// lineDoc is the part of a DrawingML line chart the golden summary shows.
type lineDoc struct {
	Title []string `xml:"chart>title>tx>rich>p>r>t"`
	Lines []struct {
		Series []struct {
			Name  string `xml:"tx>strRef>f"`
			Cat   string `xml:"cat>strRef>f"`
			CatN  string `xml:"cat>numRef>f"`
			Val   string `xml:"val>numRef>f"`
			Color struct {
				Val string `xml:"val,attr"`
			} `xml:"spPr>ln>solidFill>srgbClr"`
		} `xml:"ser"`
	} `xml:"chart>plotArea>lineChart"`
	Scatters []struct{} `xml:"chart>plotArea>scatterChart"`
	Cat      []string   `xml:"chart>plotArea>catAx>title>tx>rich>p>r>t"`
	Val      []string   `xml:"chart>plotArea>valAx>title>tx>rich>p>r>t"`
}

func TestProgressLineChartMatchesGolden(t *testing.T) {
	w := New(inputFixture(t), Options{})
	writeTabs(t, w, []sheets.Tab{progressTab("Progress", 3)})
	writeTabs(t, w, []sheets.Tab{progressTab("Progress", 4)})
	checkPackage(t, w.path)
	var b strings.Builder
	n := 0
	for name, data := range partBytes(t, w.path) {
		if !strings.HasPrefix(name, "xl/charts/chart") {
			continue
		}
		n++
		var doc lineDoc
		must(t, xml.Unmarshal(data, &doc))
		fmt.Fprintf(&b, "chart %q: %d line charts, %d scatter charts; axes %q by %q\n", strings.Join(doc.Title, ""), len(doc.Lines), len(doc.Scatters), strings.Join(doc.Cat, ""), strings.Join(doc.Val, ""))
		for _, l := range doc.Lines {
			for _, s := range l.Series {
				fmt.Fprintf(&b, "  series name=%s categories=%s%s values=%s line=%s\n", s.Name, s.Cat, s.CatN, s.Val, s.Color.Val)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d chart parts, want 1", n)
	}
	got := b.String()
	golden := filepath.Join("testdata", "progress-chart.golden")
	if *update {
		must(t, os.WriteFile(golden, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("chart differs from %s (run with -update after an intended change):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

func TestSeveralChartsOnATabAreEachDrawnOnceAtTheirAnchors(t *testing.T) {
	w := New(inputFixture(t), Options{})
	tab := powerMapTab("Campaign Maps", 3)
	second := *tab.Chart
	second.Title, second.AnchorRow = "Second block", 40
	tab.Charts = []sheets.Chart{second}
	for i := range 2 {
		writeTabs(t, w, []sheets.Tab{tab})
		var parts []string
		anchors := 0
		for name, data := range partBytes(t, w.path) {
			if strings.HasPrefix(name, "xl/charts/chart") {
				parts = append(parts, name)
			}
			if strings.HasPrefix(name, "xl/drawings/drawing") && strings.HasSuffix(name, ".xml") {
				// The second chart's anchor: row 41 is row index 40 in the drawing.
				if strings.Contains(string(data), "<xdr:row>40</xdr:row>") {
					anchors++
				}
			}
		}
		if len(parts) != 2 || anchors != 1 {
			t.Fatalf("after write %d: chart parts %v, anchors at row 41: %d; want 2 charts, one there", i+1, parts, anchors)
		}
	}
	checkPackage(t, w.path)
}
