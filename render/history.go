package render

import (
	"fmt"

	"github.com/partnermap/partnermap/history"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// moveTone colours a Moved cell: green for a move inward (ring number down), amber outward,
// blue when only the quadrant changed.
func moveTone(m history.Move) sheets.Tone {
	switch {
	case m.ToRing != 0 && m.ToRing < m.FromRing:
		return sheets.ToneGood
	case m.ToRing > m.FromRing && m.FromRing != 0:
		return sheets.ToneWarn
	}
	return sheets.ToneInfo
}

// historyTab lays out the History rows. Unlike the other tabs it is read back as data on
// the next sync, so its legend invites corrections instead of forbidding edits; a row that
// could not be read goes back exactly as it was.
func historyTab(name string, in Input) sheets.Tab {
	t := newTable(name,
		fmt.Sprintf("Each partner's ring, quadrant, owner and status over time: a row when partnermap first sees a partner and whenever one of those changes (at most one a day). "+
			"As of %s; computed %s by partnermap. Earlier rows are kept as they are and read back on every sync: you may correct them.", in.Result.AsOf, in.Status.SyncedAt.Format("2006-01-02 15:04")),
		history.Header, []float64{12, 30, 6, 14, 9, 7, 7, 18, 14, 40})
	t.tab.Rows = append(make([][]sheets.Cell, 0, len(in.History)+2), t.tab.Rows...)
	for _, r := range in.History {
		if !r.Readable() {
			t.add(r.Raw...)
			continue
		}
		row := t.add(date(r.Date), text(r.Partner), ringCell(r.Ring), text(r.Quadrant.String()),
			maybeCell(r.Support), maybeCell(r.Power), maybeCell(r.Score), text(r.Owner), text(r.Stage), text(r.Change))
		if r.Quadrant != 0 {
			t.highlight(row, 3, QuadrantTone(r.Quadrant))
		}
	}
	return t.tab
}

func maybeCell(m scoring.Maybe) sheets.Cell {
	if !m.Known {
		return sheets.Cell{}
	}
	return sheets.NumberCell(m.Value)
}

// progressTab lays out one row per week with a line chart of the ring counts beside it.
func progressTab(name string, in Input) sheets.Tab {
	header := []string{"Week"}
	for ring := 1; ring <= 5; ring++ {
		header = append(header, fmt.Sprintf("Ring %d", ring))
	}
	for q := scoring.Q1Engage; q <= scoring.Q4Monitor; q++ {
		header = append(header, q.String())
	}
	header = append(header, "Active", "Moved in", "Moved out")
	t := newTable(name,
		legend("Week by week (weeks start on Monday): active partners per ring and quadrant at the end of the week, and how many moved in (ring number down) or out, from the History tab.", in),
		header, []float64{12, 8, 8, 8, 8, 8, 11, 12, 12, 11, 8, 9, 10})
	for _, w := range in.Progress {
		cells := []sheets.Cell{date(w.Start)}
		for ring := 1; ring <= 5; ring++ {
			cells = append(cells, num(w.Rings[ring]))
		}
		for q := 1; q <= 4; q++ {
			cells = append(cells, num(w.Quadrants[q]))
		}
		// The week again as text in a hidden column, for the chart's categories: a
		// spreadsheet program may pile up date categories at one spot.
		r := t.add(append(cells, num(w.Active), num(w.MovedIn), num(w.MovedOut), text(w.Start.String()))...)
		if w.MovedIn > 0 {
			t.highlight(r, 11, sheets.ToneGood)
		}
		if w.MovedOut > 0 {
			t.highlight(r, 12, sheets.ToneWarn)
		}
	}
	weekText := len(header)
	t.tab.Rows[1] = append(t.tab.Rows[1], text("Chart: week"))
	t.tab.HiddenCols = []int{weekText}
	if first, last := 2, len(t.tab.Rows)-1; last >= first {
		chart := &sheets.Chart{
			Kind:   sheets.LineChart,
			Title:  "Active partners per ring, week by week",
			XTitle: "Week", YTitle: "Partners",
			AnchorRow: 1, AnchorCol: len(header) + 1,
		}
		for ring := 1; ring <= 5; ring++ {
			chart.Series = append(chart.Series, sheets.Series{
				Name: fmt.Sprintf("Ring %d", ring), XCol: weekText, YCol: ring, LabelCol: 0,
				FirstRow: first, LastRow: last, Tone: ringTone(ring),
			})
		}
		t.tab.Chart = chart
	}
	return t.tab
}

// ringTone gives each ring a line colour of its own, the inner rings the warmer ones.
func ringTone(ring int) sheets.Tone {
	return []sheets.Tone{sheets.ToneGood, sheets.ToneInfo, sheets.ToneWarn, sheets.ToneAlert, sheets.ToneMuted}[ring-1]
}
