package history

import (
	"testing"

	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// FuzzParseQuadrant: any text a volunteer types in History's Quadrant column reads as a
// quadrant 1–4 or not at all, and every quadrant's own label reads back as itself.
func FuzzParseQuadrant(f *testing.F) {
	for _, s := range []string{"Q1 Engage", "q2", "Persuade", " build up ", "4", "Q5", "", "Q\u00a01", "ＱＩ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, ok := ParseQuadrant(s)
		if ok != (q >= scoring.Q1Engage && q <= scoring.Q4Monitor) {
			t.Fatalf("ParseQuadrant(%q) = %d, %v", s, q, ok)
		}
		if ok {
			if back, _ := ParseQuadrant(q.String()); back != q {
				t.Fatalf("%q reads back as %d", q.String(), back)
			}
		}
	})
}

// FuzzRead: a History tab of any cells is read without panicking; every row is either used
// (with a date and a partner) or kept cell for cell, and every issue names a row of the tab.
func FuzzRead(f *testing.F) {
	f.Add("Date", "Partner", "Ring", "2026-11-23", "Ana", "two", 45000.0, true)
	f.Add("", "date", "PARTNER", "someday", "", "3", -1.0, false)
	f.Fuzz(func(t *testing.T, h1, h2, h3, a, b, c string, n float64, legend bool) {
		rows := [][]sheets.Cell{{sheets.TextCell(h1), sheets.TextCell(h2), sheets.TextCell(h3)},
			{sheets.TextCell(a), sheets.TextCell(b), sheets.TextCell(c)},
			{sheets.NumberCell(n), sheets.TextCell(a), sheets.NumberCell(n)}}
		if legend {
			rows = append([][]sheets.Cell{{sheets.TextCell("legend")}}, rows...)
		}
		got, issues := Read(&sheets.Table{Name: "History", Rows: rows}, decode.MDY)
		for _, r := range got {
			if r.Readable() && (r.Date.IsZero() || r.Partner == "" || r.Key == "") {
				t.Fatalf("a used row lacks a date or partner: %+v", r)
			}
			if r.SheetRow < 1 || r.SheetRow > len(rows) {
				t.Fatalf("row %d is not a row of the tab", r.SheetRow)
			}
		}
		for _, is := range issues {
			if is.Row < 0 || is.Row > len(rows) || is.Tab != "History" {
				t.Fatalf("issue %+v does not name a row of History", is)
			}
		}
	})
}
