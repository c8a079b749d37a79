package history

import (
	"errors"
	"fmt"
	"strings"

	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// headerSearch is how many rows from the top are searched for the header row: partnermap
// writes a legend in row 1 and the header in row 2, but a volunteer may delete the legend.
const headerSearch = 5

// Read turns the History tab as read into rows, in sheet order, with a Data Issue for every
// cell that could not be read. Columns are found by their header, like the volunteers'
// tabs. A row without a readable Date or Partner is kept as it was (Row.Raw) but not used;
// other unreadable cells are blank. A nil table (no History tab) gives no rows.
func Read(t *sheets.Table, order decode.DateOrder) ([]Row, []scoring.Issue) {
	if t == nil {
		return nil, nil
	}
	var issues []scoring.Issue
	issue := func(row int, col, value, problem string, sev scoring.Severity) {
		issues = append(issues, scoring.Issue{Tab: t.Name, Row: row, Column: col, Value: value, Problem: problem, Severity: sev})
	}
	head, cols := findHeader(t.Rows)
	if head < 0 {
		// No header: every row below the legend is kept as it is, so nothing typed is lost.
		var rows []Row
		for i := 1; i < len(t.Rows); i++ {
			if !blankRow(t.Rows[i]) {
				rows = append(rows, Row{Raw: t.Rows[i], SheetRow: i + 1})
			}
		}
		if len(rows) > 0 {
			issue(0, "Date", "", "no header row with Date and Partner columns, so History could not be read: "+
				"its rows are kept as they are and History starts again below them; put the header back "+
				"(Date, Partner, Ring, Quadrant, Support, Power, Score, Owner, Stage, Change) to use them", scoring.SevError)
		}
		return rows, issues
	}
	rows := make([]Row, 0, len(t.Rows)-head-1)
	for i := head + 1; i < len(t.Rows); i++ {
		cells := t.Rows[i]
		if blankRow(cells) {
			continue
		}
		n := i + 1
		cell := func(name string) sheets.Cell {
			if c, ok := cols[name]; ok && c < len(cells) {
				return cells[c]
			}
			return sheets.Cell{}
		}
		d, err := decode.ParseDate(cell("Date"), order)
		name := strings.TrimSpace(cell("Partner").String())
		if err != nil || name == "" {
			col, value, problem := "Date", cell("Date").String(), "no date: "
			if err != nil && !errors.Is(err, decode.ErrBlank) {
				problem = err.Error() + ": "
			}
			if err == nil {
				col, value, problem = "Partner", "", "no partner: "
			}
			issue(n, col, value, problem+"this History row is kept as it is but not used; fix it or delete the row", scoring.SevWarning)
			rows = append(rows, Row{Raw: cells, SheetRow: n})
			continue
		}
		r := Row{Date: d, Partner: name, Key: scoring.FoldName(name), SheetRow: n,
			Owner: strings.TrimSpace(cell("Owner").String()), Stage: strings.TrimSpace(cell("Stage").String()),
			Change: strings.TrimSpace(cell("Change").String())}
		r.Inactive = saysInactive(r.Change)
		if c := cell("Ring"); !c.IsBlank() {
			if ring, err := decode.ParseRing(c); err == nil {
				r.Ring = ring
			} else {
				issue(n, "Ring", c.String(), err.Error()+"; read as blank", scoring.SevWarning)
			}
		}
		if c := cell("Quadrant"); !c.IsBlank() {
			if q, ok := ParseQuadrant(c.String()); ok {
				r.Quadrant = q
			} else {
				issue(n, "Quadrant", c.String(), "not a quadrant: write Q1 Engage, Q2 Persuade, Q3 Build up or Q4 Monitor; read as blank", scoring.SevWarning)
			}
		}
		for _, f := range []struct {
			col string
			to  *scoring.Maybe
		}{{"Support", &r.Support}, {"Power", &r.Power}, {"Score", &r.Score}} {
			c := cell(f.col)
			switch c.Kind {
			case sheets.Blank:
			case sheets.Number:
				*f.to = scoring.Some(c.Num)
			default:
				var v float64
				if _, err := fmt.Sscan(strings.TrimSpace(c.String()), &v); err == nil && !c.IsBlank() {
					*f.to = scoring.Some(v)
				} else if !c.IsBlank() {
					issue(n, f.col, c.String(), "not a number; read as blank", scoring.SevWarning)
				}
			}
		}
		rows = append(rows, r)
	}
	return rows, issues
}

// findHeader finds the header row among the first rows: the first with both a Date and a
// Partner column. It returns the row index and each known column's index, or -1.
func findHeader(rows [][]sheets.Cell) (int, map[string]int) {
	known := make(map[string]string, len(Header))
	for _, h := range Header {
		known[decode.HeaderKey(h)] = h
	}
	for i := 0; i < len(rows) && i < headerSearch; i++ {
		cols := map[string]int{}
		for j, c := range rows[i] {
			if name, ok := known[decode.HeaderKey(c.String())]; ok {
				if _, dup := cols[name]; !dup {
					cols[name] = j
				}
			}
		}
		_, date := cols["Date"]
		_, partner := cols["Partner"]
		if date && partner {
			return i, cols
		}
	}
	return -1, nil
}

func blankRow(cells []sheets.Cell) bool {
	for _, c := range cells {
		if !c.IsBlank() {
			return false
		}
	}
	return true
}

// ParseQuadrant reads a quadrant as written in the tabs ("Q2 Persuade"), or its short form
// ("Q2", "2") or name ("Persuade"), regardless of case and spacing.
func ParseQuadrant(s string) (scoring.Quadrant, bool) {
	k := decode.HeaderKey(s)
	for q := scoring.Q1Engage; q <= scoring.Q4Monitor; q++ {
		short := fmt.Sprintf("q%d", q)
		name := strings.TrimPrefix(decode.HeaderKey(q.String()), short)
		if k == short || k == short+name || k == name || k == short[1:] {
			return q, true
		}
	}
	return 0, false
}
