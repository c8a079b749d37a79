package render

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// quadrantTitles are laid out as the power map is drawn: supportive on the right, more power on top.
var quadrantTitles = map[scoring.Quadrant]string{
	scoring.Q1Engage:   "Q1 Engage: more power, supportive",
	scoring.Q2Persuade: "Q2 Persuade: more power, not yet supportive",
	scoring.Q3BuildUp:  "Q3 Build up: less power, supportive",
	scoring.Q4Monitor:  "Q4 Monitor: less power, not supportive",
}

// powerMap lays out the 2×2 quadrant grid, the ring counts, and the points table that
// the scatter chart of Support (x) against Power (y) reads from.
func powerMap(name string, in Input) sheets.Tab {
	tab := sheets.Tab{
		Name:       name,
		FrozenRows: 1,
		Widths:     []float64{40, 40, 10, 8, 14},
	}
	row := func(cells ...sheets.Cell) int {
		tab.Rows = append(tab.Rows, cells)
		return len(tab.Rows) - 1
	}
	bold := func(r int) { tab.BoldRows = append(tab.BoldRows, r) }
	row(text(legend("The power map: who has power over our target decision-maker (up) and who supports us (right), with each partner's alignment ring.", in)))

	byQuadrant := map[scoring.Quadrant][]*scoring.Assessment{}
	assessments := in.Result.Assessments
	for i := range assessments {
		a := &assessments[i]
		byQuadrant[a.Quadrant] = append(byQuadrant[a.Quadrant], a)
	}
	for _, list := range byQuadrant {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].Power != list[j].Power {
				return list[i].Power > list[j].Power
			}
			return list[i].Partner.Key < list[j].Partner.Key
		})
	}

	grid := func(left, right scoring.Quadrant) {
		r := row(text(quadrantTitles[left]), text(quadrantTitles[right]))
		bold(r)
		tab.Highlights = append(tab.Highlights,
			sheets.Highlight{Row: r, Col: 0, Tone: QuadrantTone(left)},
			sheets.Highlight{Row: r, Col: 1, Tone: QuadrantTone(right)})
		l, rt := byQuadrant[left], byQuadrant[right]
		for i := 0; i < max(len(l), len(rt)); i++ {
			row(gridName(l, i), gridName(rt, i))
		}
		if len(l) == 0 && len(rt) == 0 {
			row(text("(none)"), text("(none)"))
		}
		row()
	}
	grid(scoring.Q2Persuade, scoring.Q1Engage)
	grid(scoring.Q4Monitor, scoring.Q3BuildUp)

	bold(row(text("Ring"), text("Partners")))
	total := 0
	for ring := 1; ring <= 5; ring++ {
		row(text(fmt.Sprintf("%d %s", ring, scoring.RingName(ring))), num(in.Result.RingCounts[ring]))
		total += in.Result.RingCounts[ring]
	}
	row(text("All active partners"), num(total))
	row()

	header := row(text("Partner"), text("Support"), text("Power"), text("Ring"), text("Quadrant"))
	bold(header)
	high := in.scoringConfig().HighPower
	chart := &sheets.Chart{
		Title:  "Power map: support against power",
		XTitle: "Support (opposes −2 … +2 supports)", YTitle: "Power (1 less … 5 more influence)",
		// A unit of room each side of support −2…+2: the name labels, right of the points,
		// stay inside the plot at +2. Power keeps 1…5, as more height spreads the labels of
		// nearby points apart; a label at 5 has the title's margin above it.
		XMin: -2 - chartPad, XMax: 2 + chartPad, YMin: 1, YMax: 5,
		AnchorRow: 1, AnchorCol: 6,
	}
	// The chart reads hidden helper columns rather than the table above: Google Sheets
	// plots all series against one shared x column, so each quadrant needs its own y
	// column (blank on the other quadrants' rows), and the quadrant lines need points.
	helper := func(r, col int, c sheets.Cell) {
		if need := helperCol + col + 1; len(tab.Rows[r]) < need {
			// One allocation to the new width, not one append per cell: growing cell by
			// cell was most of rendering at 100k partners.
			wide := make([]sheets.Cell, need)
			copy(wide, tab.Rows[r])
			tab.Rows[r] = wide
		}
		tab.Rows[r][helperCol+col] = c
	}
	helper(header, 0, text("Chart: support"))
	for i, q := range chartQuadrants {
		helper(header, 1+i, text(q.String()))
	}
	vLine := fmt.Sprintf("Line: support %s", formatNum(0))
	hLine := fmt.Sprintf("Line: power %s", formatNum(high))
	helper(header, 5, text(vLine))
	helper(header, 6, text(hLine))
	for c := range 7 {
		tab.HiddenCols = append(tab.HiddenCols, helperCol+c)
	}

	lift := stackOffsets(assessments)
	var series []sheets.Series
	for i, q := range chartQuadrants {
		list := byQuadrant[q]
		if len(list) == 0 {
			continue
		}
		first := len(tab.Rows)
		for _, a := range list {
			// Each point's row at its final width in one allocation: the table's five cells,
			// then the helper cells the chart reads.
			cells := make([]sheets.Cell, helperCol+2+i)
			copy(cells, []sheets.Cell{text(a.Partner.Name), sheets.NumberCell(a.Support), sheets.NumberCell(round2(a.Power)), num(a.Ring), text(q.String())})
			cells[helperCol] = sheets.NumberCell(a.Support)
			cells[helperCol+1+i] = sheets.NumberCell(math.Round((round2(a.Power)+lift[a])*100) / 100)
			row(cells...)
		}
		series = append(series, sheets.Series{
			Name: q.String(), XCol: helperCol, YCol: helperCol + 1 + i, LabelCol: 0,
			FirstRow: first, LastRow: len(tab.Rows) - 1, Tone: QuadrantTone(q),
		})
	}
	if len(series) == 0 {
		return tab
	}
	// Two points per quadrant line, on rows of their own below the points.
	line := func(col int, name string, x0, y0, x1, y1 float64) {
		first := len(tab.Rows)
		for _, p := range [][2]float64{{x0, y0}, {x1, y1}} {
			r := row()
			helper(r, 0, sheets.NumberCell(p[0]))
			helper(r, col, sheets.NumberCell(p[1]))
		}
		series = append(series, sheets.Series{
			Name: name, XCol: helperCol, YCol: helperCol + col, LabelCol: 0,
			FirstRow: first, LastRow: first + 1, Tone: sheets.ToneMuted, Line: true,
		})
	}
	line(5, vLine, 0, chart.YMin, 0, chart.YMax)
	line(6, hLine, chart.XMin, high, chart.XMax, high)
	chart.Series = series
	tab.Chart = chart
	return tab
}

// chartPad is the room, in units of support, between the farthest a point can lie and
// the edge of the chart's plot.
const chartPad = 1

// helperCol is the first hidden column of the chart's helper cells, well right of the
// chart so that hiding it moves nothing a reader sees.
const helperCol = 20

// chartQuadrants is the order of the quadrant series, and of their helper columns.
var chartQuadrants = []scoring.Quadrant{scoring.Q1Engage, scoring.Q2Persuade, scoring.Q3BuildUp, scoring.Q4Monitor}

// formatNum writes a threshold as people write it: 3, not 3.000000.
func formatNum(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func gridName(list []*scoring.Assessment, i int) sheets.Cell {
	if i >= len(list) {
		return sheets.Cell{}
	}
	a := list[i]
	return text(fmt.Sprintf("%s (ring %d)", a.Partner.Name, a.Ring))
}

func round2(f float64) float64 {
	return float64(int(f*100+0.5)) / 100
}

// stackStep is how far apart, in power units, the chart draws partners with the very same
// scores: about a label's height, so each name can be read (the table keeps the true values).
const stackStep = 0.14

// stackOffsets spreads partners that would sit on the very same spot of the chart into a
// small vertical stack centred on it; a spreadsheet chart puts every label on the same
// side of its point, so without this their names print over one another.
func stackOffsets(list []scoring.Assessment) map[*scoring.Assessment]float64 {
	type spot struct{ support, power float64 }
	at := map[spot][]*scoring.Assessment{}
	for i := range list {
		a := &list[i]
		k := spot{a.Support, round2(a.Power)}
		at[k] = append(at[k], a)
	}
	lift := map[*scoring.Assessment]float64{}
	for _, group := range at {
		if len(group) < 2 {
			continue
		}
		// Top to bottom in the order of names, as a reader scans them.
		sort.SliceStable(group, func(i, j int) bool { return group[i].Partner.Key < group[j].Partner.Key })
		for k, a := range group {
			lift[a] = math.Round((float64(len(group)-1)/2-float64(k))*stackStep*100) / 100
		}
	}
	return lift
}
