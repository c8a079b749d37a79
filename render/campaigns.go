package render

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/partnermap/partnermap/campaign"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// Where a campaign chart draws its target: above every partner (power is at most 5), in
// a band of its own at the top of the chart, as the method draws the decision-maker.
const (
	targetY    = 5.5
	campaignY1 = 5.8
)

// blockRows is the least height of a campaign's block: its chart (600 pixels) is about
// this many rows tall, and the next block starts below it.
const blockRows = 32

// campaignsTab lays out a block per active campaign: what it is and who the target is,
// its quadrant grid, "Persuade first", the high-power partners not assessed for it, and
// the points its chart reads, with the chart beside the block.
func campaignsTab(name string, in Input) sheets.Tab {
	tab := sheets.Tab{Name: name, FrozenRows: 1, Widths: []float64{40, 40, 10, 10, 40}}
	b := &tabBuilder{tab: &tab}
	b.row(text(legend("A power map per active campaign: support for that campaign (right) and power over its target (up), "+
		"from the Stances tab where it gives a partner's stance or influence for the campaign, else the partner's own. Won, Lost and Paused campaigns are not shown.", in)))
	maps := in.Campaigns.Maps
	if len(maps) == 0 {
		b.row(text("No active campaign: add one to the Campaigns tab (Campaign, Target, Goal, Status, Deadline, Lead)."))
		return tab
	}
	high := in.scoringConfig().HighPower
	for i := range maps {
		start := len(tab.Rows)
		b.row()
		campaignBlock(b, &maps[i], in.Result.AsOf, high)
		for len(tab.Rows)-start < blockRows {
			b.row()
		}
	}
	return tab
}

// tabBuilder appends rows and formats to a tab being laid out.
type tabBuilder struct{ tab *sheets.Tab }

func (b *tabBuilder) row(cells ...sheets.Cell) int {
	b.tab.Rows = append(b.tab.Rows, cells)
	return len(b.tab.Rows) - 1
}

func (b *tabBuilder) bold(r int) { b.tab.BoldRows = append(b.tab.BoldRows, r) }

func (b *tabBuilder) highlight(r, c int, tone sheets.Tone) {
	b.tab.Highlights = append(b.tab.Highlights, sheets.Highlight{Row: r, Col: c, Tone: tone})
}

// set puts c at column col of row r, widening the row as needed.
func (b *tabBuilder) set(r, col int, c sheets.Cell) {
	if len(b.tab.Rows[r]) <= col {
		wide := make([]sheets.Cell, col+1)
		copy(wide, b.tab.Rows[r])
		b.tab.Rows[r] = wide
	}
	b.tab.Rows[r][col] = c
}

func campaignBlock(b *tabBuilder, m *campaign.Map, asOf scoring.Date, high float64) {
	c := m.Campaign
	top := b.row(text("Campaign: "+c.Name), text(string(c.Status)))
	b.bold(top)
	b.highlight(top, 0, sheets.ToneInfo)
	b.row(text("Target"), text(targetText(m.Target)))
	b.row(text("Goal"), text(c.Goal))
	dl := b.row(text("Deadline"), date(c.Deadline))
	if !c.Deadline.IsZero() {
		b.set(dl, 2, text(daysLeft(m.DaysLeft)))
		if m.DaysLeft < 0 {
			b.highlight(dl, 2, sheets.ToneAlert)
		}
	}
	b.row(text("Lead"), text(c.Lead))
	b.row()

	byQuadrant := map[scoring.Quadrant][]campaign.Placement{}
	for _, pl := range m.Placements {
		byQuadrant[pl.Quadrant] = append(byQuadrant[pl.Quadrant], pl)
	}
	for _, list := range byQuadrant {
		// Most powerful over this target first, as on the Power Map.
		slices.SortStableFunc(list, func(x, y campaign.Placement) int {
			return cmp.Or(cmp.Compare(y.Power, x.Power), strings.Compare(x.Assessment.Partner.Key, y.Assessment.Partner.Key))
		})
	}
	grid := func(left, right scoring.Quadrant) {
		r := b.row(text(quadrantTitles[left]), text(quadrantTitles[right]))
		b.bold(r)
		b.highlight(r, 0, QuadrantTone(left))
		b.highlight(r, 1, QuadrantTone(right))
		l, rt := byQuadrant[left], byQuadrant[right]
		for i := 0; i < max(len(l), len(rt)); i++ {
			b.row(placementName(l, i), placementName(rt, i))
		}
		if len(l) == 0 && len(rt) == 0 {
			b.row(text("(none)"), text("(none)"))
		}
		b.row()
	}
	grid(scoring.Q2Persuade, scoring.Q1Engage)
	grid(scoring.Q4Monitor, scoring.Q3BuildUp)

	b.bold(b.row(text("Persuade first: more power over the target, not yet supportive, most powerful first")))
	b.bold(b.row(text("Partner"), text("Warm paths"), text("Power"), text("Support"), text("Owner")))
	for _, pl := range m.PersuadeFirst {
		b.row(text(pl.Name()), text(warmPaths(pl.Assessment)), sheets.NumberCell(round2(pl.Power)),
			sheets.NumberCell(pl.Support), text(pl.Assessment.Owner))
	}
	if len(m.PersuadeFirst) == 0 {
		b.row(text("(none)"))
	}
	b.row()

	b.bold(b.row(text("Not assessed for this campaign: high-power partners with no Stances row (placed by their own Stance and Influence)")))
	b.bold(b.row(text("Partner"), text("Quadrant"), text("Power"), text("Support"), text("Owner")))
	for _, pl := range m.NotAssessed {
		r := b.row(text(pl.Name()), text(pl.Quadrant.String()), sheets.NumberCell(round2(pl.Power)),
			sheets.NumberCell(pl.Support), text(pl.Assessment.Owner))
		b.highlight(r, 1, QuadrantTone(pl.Quadrant))
	}
	if len(m.NotAssessed) == 0 {
		b.row(text("(none)"))
	}
	b.row()

	chart := campaignChart(b, m, high)
	chart.AnchorRow, chart.AnchorCol = top, 6
	b.tab.Charts = append(b.tab.Charts, chart)
}

// campaignChart writes the table of points the campaign's chart reads (visible: partner,
// support, power, quadrant; hidden: one y column per series) and returns the chart.
func campaignChart(b *tabBuilder, m *campaign.Map, high float64) sheets.Chart {
	c := m.Campaign
	title := c.Name
	if m.Target.Name != "" {
		title += ": power over " + m.Target.Name
	}
	chart := sheets.Chart{
		Title:  title,
		XTitle: "Support for this campaign (opposes −2 … +2 supports)", YTitle: "Power over the target (1 … 5); the target is at the top",
		XMin: -2 - chartPad, XMax: 2 + chartPad, YMin: 1, YMax: campaignY1,
	}
	header := b.row(text("Partner"), text("Support"), text("Power"), text("Quadrant"), text("Stances row"))
	b.bold(header)
	// Helper columns, as on the Power Map: x, a y column per quadrant, the target's y, the two lines.
	const (
		xCol      = helperCol
		targetCol = helperCol + 5
		vLineCol  = helperCol + 6
		hLineCol  = helperCol + 7
	)
	b.set(header, xCol, text("Chart: support"))
	for i, q := range chartQuadrants {
		b.set(header, xCol+1+i, text(q.String()))
	}
	b.set(header, targetCol, text("Target"))
	vLine, hLine := "Line: support 0", "Line: power "+formatNum(high)
	b.set(header, vLineCol, text(vLine))
	b.set(header, hLineCol, text(hLine))
	hideHelpers(b.tab, helperCol, 8)

	var series []sheets.Series
	if m.Target.Name != "" {
		r := b.row(text("Target: "+m.Target.Name), sheets.NumberCell(m.Target.Support), sheets.Cell{}, text("target"))
		b.set(r, xCol, sheets.NumberCell(m.Target.Support))
		b.set(r, targetCol, sheets.NumberCell(targetY))
		series = append(series, sheets.Series{Name: "Target", XCol: xCol, YCol: targetCol, LabelCol: 0,
			FirstRow: r, LastRow: r, Tone: sheets.ToneAlert})
	}
	lift := liftOf(m.Placements)
	for i, q := range chartQuadrants {
		first := len(b.tab.Rows)
		for _, pl := range m.Placements {
			if pl.Quadrant != q {
				continue
			}
			assessed := "no"
			if pl.Stance != nil {
				assessed = "yes"
			}
			r := b.row(text(pl.Name()), sheets.NumberCell(pl.Support), sheets.NumberCell(round2(pl.Power)), text(q.String()), text(assessed))
			b.set(r, xCol, sheets.NumberCell(pl.Support))
			b.set(r, xCol+1+i, sheets.NumberCell(math.Round((round2(pl.Power)+lift[pl.Assessment])*100)/100))
		}
		if len(b.tab.Rows) > first {
			series = append(series, sheets.Series{Name: q.String(), XCol: xCol, YCol: xCol + 1 + i, LabelCol: 0,
				FirstRow: first, LastRow: len(b.tab.Rows) - 1, Tone: QuadrantTone(q)})
		}
	}
	line := func(col int, name string, x0, y0, x1, y1 float64) {
		first := len(b.tab.Rows)
		for _, p := range [][2]float64{{x0, y0}, {x1, y1}} {
			r := b.row()
			b.set(r, xCol, sheets.NumberCell(p[0]))
			b.set(r, col, sheets.NumberCell(p[1]))
		}
		series = append(series, sheets.Series{Name: name, XCol: xCol, YCol: col, LabelCol: 0,
			FirstRow: first, LastRow: first + 1, Tone: sheets.ToneMuted, Line: true})
	}
	line(vLineCol, vLine, 0, chart.YMin, 0, 5)
	line(hLineCol, hLine, chart.XMin, high, chart.XMax, high)
	chart.Series = series
	return chart
}

// hideHelpers hides n helper columns from col on, once per tab.
func hideHelpers(t *sheets.Tab, col, n int) {
	for c := col; c < col+n; c++ {
		hidden := false
		for _, h := range t.HiddenCols {
			hidden = hidden || h == c
		}
		if !hidden {
			t.HiddenCols = append(t.HiddenCols, c)
		}
	}
}

// liftOf spreads partners on the very same spot of a campaign chart, as stackOffsets does
// on the Power Map.
func liftOf(pls []campaign.Placement) map[*scoring.Assessment]float64 {
	list := make([]scoring.Assessment, len(pls))
	for i, pl := range pls {
		list[i] = scoring.Assessment{Partner: pl.Assessment.Partner, Support: pl.Support, Power: pl.Power}
	}
	byList := stackOffsets(list)
	out := make(map[*scoring.Assessment]float64, len(byList))
	for i := range list {
		if v, ok := byList[&list[i]]; ok {
			out[pls[i].Assessment] = v
		}
	}
	return out
}

// targetText names the target and where it leans, or says what is missing.
func targetText(t campaign.Target) string {
	if t.Name == "" {
		return "(no target named: add one in the Campaigns tab)"
	}
	if !t.Known {
		return t.Name + " (stance unknown: add a Stances row for the target to place it)"
	}
	return fmt.Sprintf("%s (leans %s, %s)", t.Name, stanceWord(t.Support), signedNum(t.Support))
}

// stanceWord names a support value by the Stance words of the Partners tab.
func stanceWord(s float64) string {
	switch {
	case s <= -1.5:
		return "strongly opposed"
	case s <= -0.5:
		return "opposed"
	case s < 0.5:
		return "neutral"
	case s < 1.5:
		return "supportive"
	}
	return "strongly supportive"
}

func signedNum(f float64) string {
	if f > 0 {
		return "+" + formatNum(f)
	}
	return strings.Replace(formatNum(f), "-", "−", 1)
}

func daysLeft(n int) string {
	switch {
	case n == 0:
		return "due today"
	case n == 1:
		return "1 day left"
	case n > 0:
		return fmt.Sprintf("%d days left", n)
	case n == -1:
		return "1 day past"
	}
	return fmt.Sprintf("%d days past", -n)
}

// warmPaths lists the members with a tie to the partner and its strength.
func warmPaths(a *scoring.Assessment) string {
	if len(a.WarmPaths) == 0 {
		return "no warm path: find a connector"
	}
	parts := make([]string, len(a.WarmPaths))
	for i, w := range a.WarmPaths {
		parts[i] = fmt.Sprintf("%s (%s)", w.Member, strengthWord(w.Strength))
	}
	return strings.Join(parts, "; ")
}

func strengthWord(s int) string {
	switch s {
	case 1:
		return "weak"
	case 3:
		return "strong"
	}
	return "medium"
}

func placementName(list []campaign.Placement, i int) sheets.Cell {
	if i >= len(list) {
		return sheets.Cell{}
	}
	pl := list[i]
	return text(fmt.Sprintf("%s (ring %d)", pl.Name(), pl.Assessment.Ring))
}
