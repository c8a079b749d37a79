package render

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

var asOf = scoring.DateOf(2026, time.November, 23)

// demoResult scores the demo coalition as of asOf with cfg, as a sync of the demo workbook would.
func demoResult(t *testing.T, cfg scoring.Config) scoring.Result {
	t.Helper()
	tabs := config.Tabs{Partners: "Partners", Assets: "Assets", Meetings: "Meetings", Members: "Members"}
	tables := map[string]*sheets.Table{}
	for _, it := range demo.Workbook(tabs, demo.Day(asOf)) {
		header := make([]sheets.Cell, len(it.Header))
		for i, h := range it.Header {
			header[i] = sheets.TextCell(h)
		}
		tables[it.Name] = &sheets.Table{Name: it.Name, Rows: append([][]sheets.Cell{header}, it.Rows...)}
	}
	dec := decode.Decode(tables, decode.Options{})
	return scoring.Score(dec.Records, cfg, asOf)
}

func findTab(t *testing.T, tabs []sheets.Tab, name string) sheets.Tab {
	t.Helper()
	for _, tab := range tabs {
		if tab.Name == name {
			return tab
		}
	}
	t.Fatalf("no tab %q", name)
	return sheets.Tab{}
}

func cellAt(tab sheets.Tab, r, c int) sheets.Cell {
	if r < len(tab.Rows) && c < len(tab.Rows[r]) {
		return tab.Rows[r][c]
	}
	return sheets.Cell{}
}

func powerMapOf(t *testing.T, cfg scoring.Config) (sheets.Tab, scoring.Result) {
	t.Helper()
	res := demoResult(t, cfg)
	tabs := Tabs(Input{Result: res, Names: Names{PowerMap: "Power Map"}, Scoring: &cfg})
	return findTab(t, tabs, "Power Map"), res
}

func TestPowerMapChartReadsOnePointPerActivePartner(t *testing.T) {
	tab, res := powerMapOf(t, scoring.DefaultConfig())
	c := tab.Chart
	if c == nil {
		t.Fatal("no chart on the Power Map tab")
	}
	// Support −2…+2 with a unit of room each side, so the labels right of the points at
	// +2 stay in the plot; power 1…5.
	if c.XMin != -3 || c.XMax != 3 || c.YMin != 1 || c.YMax != 5 {
		t.Errorf("axes = x %v..%v, y %v..%v; want x -3..3, y 1..5", c.XMin, c.XMax, c.YMin, c.YMax)
	}
	power := map[string]float64{}
	for _, a := range res.Assessments {
		power[a.Partner.Name] = round2(a.Power)
	}
	first, last := len(tab.Rows), 0
	plotted := map[string]bool{}
	spots := map[[2]float64]string{}
	for _, s := range c.Series {
		first, last = min(first, s.FirstRow), max(last, s.LastRow)
		if s.XCol != c.Series[0].XCol {
			t.Errorf("series %q reads x from column %d, not the shared column %d", s.Name, s.XCol, c.Series[0].XCol)
		}
		if s.Line {
			continue
		}
		for r := s.FirstRow; r <= s.LastRow; r++ {
			name := cellAt(tab, r, s.LabelCol).Text
			// Partners with the very same scores are stacked a little apart (stackOffsets).
			y := cellAt(tab, r, s.YCol)
			if y.Kind != sheets.Number || math.Abs(y.Num-power[name]) > 2*stackStep {
				t.Errorf("series %q row %d (%s): y = %v, want its power %v", s.Name, r, name, y, power[name])
			}
			spot := [2]float64{cellAt(tab, r, s.XCol).Num, y.Num}
			if other, taken := spots[spot]; taken {
				t.Errorf("%s is drawn on the very spot of %s, where one label would cover the other", name, other)
			}
			spots[spot] = name
			if cellAt(tab, r, 4).Text != s.Name {
				t.Errorf("series %q row %d (%s) is in quadrant %q", s.Name, r, name, cellAt(tab, r, 4).Text)
			}
			plotted[name] = true
		}
	}
	if len(plotted) != len(res.Assessments) {
		t.Errorf("%d partners plotted, want every active partner (%d)", len(plotted), len(res.Assessments))
	}
	// Google Sheets reads every y column over the rows of all series: another series'
	// rows must be blank there, or a point would be drawn twice.
	for _, s := range c.Series {
		for r := first; r <= last; r++ {
			if (r < s.FirstRow || r > s.LastRow) && !cellAt(tab, r, s.YCol).IsBlank() {
				t.Errorf("column %d of series %q has a value on row %d, outside its rows", s.YCol, s.Name, r)
			}
		}
	}
}

func TestPowerMapQuadrantLinesSitAtTheThresholds(t *testing.T) {
	for _, high := range []float64{3, 3.5} {
		cfg := scoring.DefaultConfig()
		cfg.HighPower = high
		tab, _ := powerMapOf(t, cfg)
		var lines []sheets.Series
		for _, s := range tab.Chart.Series {
			if s.Line {
				lines = append(lines, s)
			}
		}
		if len(lines) != 2 {
			t.Fatalf("high power %v: %d line series, want 2", high, len(lines))
		}
		point := func(s sheets.Series, r int) [2]float64 {
			return [2]float64{cellAt(tab, r, s.XCol).Num, cellAt(tab, r, s.YCol).Num}
		}
		want := [][2][2]float64{{{0, 1}, {0, 5}}, {{-3, high}, {3, high}}} // across the whole plot
		for i, s := range lines {
			if s.LastRow != s.FirstRow+1 {
				t.Fatalf("line %q spans rows %d..%d, want two points", s.Name, s.FirstRow, s.LastRow)
			}
			if got := [2][2]float64{point(s, s.FirstRow), point(s, s.LastRow)}; got != want[i] {
				t.Errorf("high power %v: line %q runs %v, want %v", high, s.Name, got, want[i])
			}
		}
	}
}

func TestPowerMapHidesOnlyTheChartHelperColumns(t *testing.T) {
	tab, _ := powerMapOf(t, scoring.DefaultConfig())
	hidden := map[int]bool{}
	for _, c := range tab.HiddenCols {
		hidden[c] = true
	}
	for _, s := range tab.Chart.Series {
		for _, col := range []int{s.XCol, s.YCol} {
			if !hidden[col] {
				t.Errorf("series %q reads column %d, which is not hidden", s.Name, col)
			}
		}
		if !s.Line && hidden[s.LabelCol] {
			t.Errorf("series %q takes labels from hidden column %d; the partner names are shown", s.Name, s.LabelCol)
		}
	}
	for c := range 5 {
		if hidden[c] {
			t.Errorf("column %d of the points table is hidden", c)
		}
	}
	if tab.HiddenCols[0] <= tab.Chart.AnchorCol+10 {
		t.Errorf("helper columns start at %d, under or next to the chart at column %d", tab.HiddenCols[0], tab.Chart.AnchorCol)
	}
}

func TestPowerMapWithoutPartnersHasNoChart(t *testing.T) {
	tabs := Tabs(Input{Result: scoring.Result{AsOf: asOf}, Names: Names{PowerMap: "Power Map"}})
	if c := findTab(t, tabs, "Power Map").Chart; c != nil {
		t.Errorf("chart with %d series drawn for no partners", len(c.Series))
	}
}

func TestFollowUpsColourDueDatesByRule(t *testing.T) {
	cfg := scoring.DefaultConfig()
	cfg.SoonDays = 10
	res := demoResult(t, cfg)
	if len(res.FollowUps) == 0 {
		t.Fatal("the demo has no follow-ups")
	}
	tab := findTab(t, Tabs(Input{Result: res, Names: Names{FollowUps: "Follow-ups"}, Scoring: &cfg}), "Follow-ups")
	last := len(tab.Rows) - 1
	want := map[sheets.Condition]sheets.Rule{
		sheets.DateBeforeToday: {Col: 3, FirstRow: 2, LastRow: last, When: sheets.DateBeforeToday, Tone: sheets.ToneAlert},
		sheets.DateWithinDays:  {Col: 3, FirstRow: 2, LastRow: last, When: sheets.DateWithinDays, Days: 10, Tone: sheets.ToneWarn},
		sheets.NumberAboveZero: {Col: 4, FirstRow: 2, LastRow: last, When: sheets.NumberAboveZero, Tone: sheets.ToneAlert},
	}
	if len(tab.Rules) != len(want) {
		t.Fatalf("%d rules, want %d: %+v", len(tab.Rules), len(want), tab.Rules)
	}
	for _, r := range tab.Rules {
		if r != want[r.When] {
			t.Errorf("rule %q = %+v, want %+v", r.When, r, want[r.When])
		}
	}
	if h := cellAt(tab, 1, 3).Text; h != "Due" {
		t.Errorf("column 3 is %q, want Due", h)
	}
	if h := cellAt(tab, 1, 4).Text; h != "Days overdue" {
		t.Errorf("column 4 is %q, want Days overdue", h)
	}
}

func TestFollowUpsWithoutFindingsHaveNoRules(t *testing.T) {
	tab := findTab(t, Tabs(Input{Result: scoring.Result{AsOf: asOf}, Names: Names{FollowUps: "Follow-ups"}}), "Follow-ups")
	if len(tab.Rules) != 0 {
		t.Errorf("rules over no rows: %+v", tab.Rules)
	}
}

// TestReassessRowReadsAsOverdue: scores older than reassess_days show the day they fell
// due, the days since, and the overdue colour, like any other overdue follow-up.
func TestReassessRowReadsAsOverdue(t *testing.T) {
	due := asOf.AddDays(-40)
	res := scoring.Result{AsOf: asOf, FollowUps: []scoring.FollowUp{{Owner: "Ana", Partner: "P", Kind: scoring.Reassess,
		Due: due, DaysOverdue: 40, HasDays: true, NextStep: "Reassess scores (set on 2025-10-14)"}}}
	tab := findTab(t, Tabs(Input{Result: res, Names: Names{FollowUps: "Follow-ups"}}), "Follow-ups")
	if got := cellAt(tab, 2, 4); got.Kind != sheets.Number || got.Num != 40 {
		t.Errorf("Days overdue %+v, want 40", got)
	}
	if got := cellAt(tab, 2, 3); got.Kind != sheets.Date || !got.Time().Equal(due.Time()) {
		t.Errorf("Due %+v, want %s", got, due)
	}
	if !slices.Contains(tab.Highlights, sheets.Highlight{Row: 2, Col: 4, Tone: sheets.ToneAlert}) {
		t.Errorf("the days overdue of a Reassess row are not coloured as overdue: %+v", tab.Highlights)
	}
}
