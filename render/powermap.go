package render

import (
	"fmt"
	"sort"

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
			sheets.Highlight{Row: r, Col: 0, Tone: quadrantTone(left)},
			sheets.Highlight{Row: r, Col: 1, Tone: quadrantTone(right)})
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
	chart := &sheets.Chart{
		Title:  "Power map: support against power",
		XTitle: "Support (opposes −2 … +2 supports)", YTitle: "Power (1 less … 5 more influence)",
		XMin: -2, XMax: 2, YMin: 1, YMax: 5,
		AnchorRow: 1, AnchorCol: 6,
	}
	for _, q := range []scoring.Quadrant{scoring.Q1Engage, scoring.Q2Persuade, scoring.Q3BuildUp, scoring.Q4Monitor} {
		list := byQuadrant[q]
		if len(list) == 0 {
			continue
		}
		first := len(tab.Rows)
		for _, a := range list {
			row(text(a.Partner.Name), sheets.NumberCell(a.Support), sheets.NumberCell(round2(a.Power)), num(a.Ring), text(q.String()))
		}
		chart.Series = append(chart.Series, sheets.Series{
			Name: q.String(), XCol: 1, YCol: 2, LabelCol: 0,
			FirstRow: first, LastRow: len(tab.Rows) - 1, Tone: quadrantTone(q),
		})
	}
	if len(chart.Series) > 0 {
		tab.Chart = chart
	}
	return tab
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
