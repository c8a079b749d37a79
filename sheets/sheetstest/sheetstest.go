// Package sheetstest is a conformance suite for sheets.Source backends: every backend (a
// local workbook, a Google Sheet) must read typed input tabs, replace managed output tabs
// whole, refuse tabs it does not own, and keep text literal. Run it from each backend's
// tests with a Harness that knows how to seed and inspect that backend directly.
package sheetstest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/sheets"
)

// Harness tells the suite how to reach one backend.
type Harness struct {
	// New returns a source over a fresh spreadsheet that holds tabs as plain volunteer tabs
	// (no marker), written by the backend's own means rather than through the Source.
	New func(t *testing.T, tabs []sheets.Table) sheets.Source
	// Cells reads a tab straight from the backend, not through Read, so the suite sees what
	// was really stored. ok is false when the tab does not exist.
	Cells func(t *testing.T, src sheets.Source, tab string) (rows [][]sheets.Cell, ok bool)
}

// Cell shorthands for the tables below.
var (
	tx = sheets.TextCell
	nm = sheets.NumberCell
	bl = sheets.BoolCell
)

func day(y int, m time.Month, d int) sheets.Cell {
	return sheets.DateCell(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// Partners is a volunteer tab with text, numbers, booleans, dates, a short row, an empty
// row and blanks in the middle of a row.
func Partners() sheets.Table {
	return sheets.Table{Name: "Partners", Rows: [][]sheets.Cell{
		{tx("Name"), tx("Alignment"), tx("Endorses"), tx("Since"), tx("Notes")},
		{tx("Eastside Tenants Union"), nm(4), bl(true), day(2026, 3, 14), tx("long-time ally")},
		{tx("Parks Coalition"), nm(2.5), bl(false), day(2025, 11, 2)},
		{},
		{tx("Lone Partner"), {}, {}, {}, tx("only a note")},
		{tx("Zero Club"), nm(0), bl(false)},
	}}
}

// Meetings is a second volunteer tab, with a date that has a time of day.
func Meetings() sheets.Table {
	return sheets.Table{Name: "Meetings", Rows: [][]sheets.Cell{
		{tx("Partner"), tx("Date"), tx("Attendees")},
		{tx("Parks Coalition"), sheets.DateCell(time.Date(2026, 1, 5, 18, 30, 0, 0, time.UTC)), nm(12)},
		{tx("Eastside Tenants Union"), day(2026, 2, 28)},
	}}
}

// output builds an output tab of n data rows below a bold header.
func output(name string, n int) sheets.Tab {
	t := sheets.Tab{Name: name, FrozenRows: 1, BoldRows: []int{0}, Widths: []float64{24, 8, 12, 10},
		Rows: [][]sheets.Cell{{tx("Partner"), tx("Score"), tx("Due"), tx("Active")}}}
	for i := range n {
		t.Rows = append(t.Rows, []sheets.Cell{tx(fmt.Sprintf("Partner %d", i+1)), nm(float64(10 - i)),
			day(2026, 4, 1+i), bl(i%2 == 0)})
	}
	t.Highlights = []sheets.Highlight{{Row: 1, Col: 2, Tone: sheets.ToneAlert}}
	return t
}

// Run runs the suite against the backend h reaches.
func Run(t *testing.T, h Harness) {
	ctx := context.Background()
	seed := []sheets.Table{Partners(), Meetings()}

	t.Run("read returns the requested tabs typed, ragged rows and blanks kept", func(t *testing.T) {
		src := h.New(t, seed)
		snap := read(t, src, "Partners", "Meetings", "Missing")
		for _, want := range seed {
			got, ok := snap.Tables[want.Name]
			if !ok {
				t.Fatalf("Read did not return tab %q", want.Name)
			}
			equalRows(t, "Read "+want.Name, got.Rows, want.Rows)
		}
		if _, ok := snap.Tables["Missing"]; ok {
			t.Errorf("Read returned a table for a tab that does not exist")
		}
		for _, name := range []string{"Partners", "Meetings"} {
			info, ok := snap.Tab(name)
			if !ok || info.Managed {
				t.Errorf("Tabs lists %q as %+v (found %v); want an unmanaged tab", name, info, ok)
			}
		}
	})

	t.Run("read returns only the tabs asked for", func(t *testing.T) {
		src := h.New(t, seed)
		snap := read(t, src, "Meetings")
		if len(snap.Tables) != 1 || snap.Tables["Meetings"] == nil {
			t.Errorf("Read(Meetings) returned tables %v; want only Meetings", slices.Sorted(maps.Keys(snap.Tables)))
		}
		if _, ok := snap.Tab("Partners"); !ok {
			t.Errorf("Tabs does not list Partners, which exists but was not asked for")
		}
	})

	t.Run("written output tab reads back with its values and a marker", func(t *testing.T) {
		src := h.New(t, seed)
		out := output("Priorities", 3)
		write(t, src, nil, out)
		snap := read(t, src, "Priorities")
		info, ok := snap.Tab("Priorities")
		if !ok || !info.Managed {
			t.Fatalf("after Write, Tabs has Priorities = %+v (found %v); want a managed tab", info, ok)
		}
		equalRows(t, "Read Priorities", snap.Tables["Priorities"].Rows, out.Rows)
		equalRows(t, "stored Priorities", cells(t, h, src, "Priorities"), out.Rows)
	})

	t.Run("second write replaces the tab: fewer rows and columns leave nothing stale", func(t *testing.T) {
		src := h.New(t, seed)
		write(t, src, nil, output("Priorities", 6))
		small := sheets.Tab{Name: "Priorities", Rows: [][]sheets.Cell{{tx("Only")}, {nm(1)}}}
		write(t, src, nil, small)
		equalRows(t, "stored Priorities after the smaller write", cells(t, h, src, "Priorities"), small.Rows)
		equalRows(t, "Read Priorities after the smaller write", read(t, src, "Priorities").Tables["Priorities"].Rows, small.Rows)
	})

	t.Run("writes leave input tabs unchanged", func(t *testing.T) {
		src := h.New(t, seed)
		write(t, src, nil, output("Priorities", 2), output("Follow-ups", 1))
		write(t, src, nil, output("Priorities", 4))
		for _, want := range seed {
			equalRows(t, "stored "+want.Name, cells(t, h, src, want.Name), want.Rows)
		}
	})

	t.Run("a same-name tab without the marker is refused and nothing is written", func(t *testing.T) {
		owners := sheets.Table{Name: "Owners", Rows: [][]sheets.Cell{{tx("Someone's own notes")}, {nm(42)}}}
		src := h.New(t, append(slices.Clone(seed), owners))
		snap := read(t, src)
		err := src.Write(ctx, snap, []sheets.Tab{output("Priorities", 2), output("Owners", 2)}, nil)
		var unmanaged *sheets.UnmanagedTabError
		if !errors.As(err, &unmanaged) || unmanaged.Tab != "Owners" {
			t.Fatalf("Write over an unmarked Owners tab returned %v; want *sheets.UnmanagedTabError for Owners", err)
		}
		equalRows(t, "stored Owners after the refusal", cells(t, h, src, "Owners"), owners.Rows)
		if _, ok := h.Cells(t, src, "Priorities"); ok {
			t.Errorf("a refused write still created Priorities; a refusal must write nothing")
		}
	})

	t.Run("adopt takes over a same-name tab and marks it", func(t *testing.T) {
		owners := sheets.Table{Name: "Owners", Rows: [][]sheets.Cell{{tx("old")}, {tx("old")}, {tx("old")}}}
		src := h.New(t, append(slices.Clone(seed), owners))
		out := output("Owners", 1)
		write(t, src, []string{"Owners"}, out)
		snap := read(t, src, "Owners")
		if info, _ := snap.Tab("Owners"); !info.Managed {
			t.Errorf("adopted Owners is not marked as managed")
		}
		equalRows(t, "stored Owners after adopting", cells(t, h, src, "Owners"), out.Rows)
		// Marked now, so the next write needs no adopt.
		write(t, src, nil, output("Owners", 2))
	})

	t.Run("formula-looking text is written as literal text", func(t *testing.T) {
		src := h.New(t, seed)
		texts := []string{`=IMPORTXML("http://x", "//a")`, "+1 555", "@foo", "-2+3", "=1+1", "'quoted", "0042", "TRUE"}
		out := sheets.Tab{Name: "Connections", Rows: [][]sheets.Cell{{tx("Detail")}}}
		for _, s := range texts {
			out.Rows = append(out.Rows, []sheets.Cell{tx(s)})
		}
		write(t, src, nil, out)
		equalRows(t, "stored Connections", cells(t, h, src, "Connections"), out.Rows)
		equalRows(t, "Read Connections", read(t, src, "Connections").Tables["Connections"].Rows, out.Rows)
	})

	t.Run("AddInputTabs adds only the missing tabs and never touches existing ones", func(t *testing.T) {
		src := h.New(t, []sheets.Table{Partners()})
		initer, ok := src.(sheets.Initializer)
		if !ok {
			t.Skip("backend does not implement sheets.Initializer")
		}
		members := sheets.InputTab{Name: "Members", Header: []string{"Name", "Email", "Role"},
			Notes:       []string{"Full name", "", "Leader or Member"},
			Validations: []sheets.Validation{{Col: 2, Values: []string{"Leader", "Member"}}},
			Rows:        [][]sheets.Cell{{tx("Ada Example"), tx("ada@example.org"), tx("Leader")}},
			Widths:      []float64{20, 24, 10}}
		partners := sheets.InputTab{Name: "Partners", Header: []string{"Other", "Header"}}
		added, err := initer.AddInputTabs(ctx, []sheets.InputTab{partners, members})
		if err != nil {
			t.Fatalf("AddInputTabs: %v", err)
		}
		if !slices.Equal(added, []string{"Members"}) {
			t.Errorf("AddInputTabs added %v; want [Members]", added)
		}
		equalRows(t, "stored Partners after AddInputTabs", cells(t, h, src, "Partners"), Partners().Rows)
		wantMembers := [][]sheets.Cell{{tx("Name"), tx("Email"), tx("Role")}, members.Rows[0]}
		equalRows(t, "stored Members", cells(t, h, src, "Members"), wantMembers)
		snap := read(t, src, "Members")
		if info, ok := snap.Tab("Members"); !ok || info.Managed {
			t.Errorf("Members is %+v (found %v); want an unmanaged input tab", info, ok)
		}
		again, err := initer.AddInputTabs(ctx, []sheets.InputTab{partners, members})
		if err != nil || len(again) != 0 {
			t.Errorf("second AddInputTabs = %v, %v; want nothing added", again, err)
		}
	})
}

func read(t *testing.T, src sheets.Source, tabs ...string) *sheets.Snapshot {
	t.Helper()
	snap, err := src.Read(context.Background(), tabs)
	if err != nil {
		t.Fatalf("Read %v: %v", tabs, err)
	}
	return snap
}

// write reads a fresh snapshot and writes tabs with it, as a sync does.
func write(t *testing.T, src sheets.Source, adopt []string, tabs ...sheets.Tab) {
	t.Helper()
	snap := read(t, src)
	if err := src.Write(context.Background(), snap, tabs, adopt); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func cells(t *testing.T, h Harness, src sheets.Source, tab string) [][]sheets.Cell {
	t.Helper()
	rows, ok := h.Cells(t, src, tab)
	if !ok {
		t.Fatalf("tab %q is not stored", tab)
	}
	return rows
}

// Normalize trims trailing blank cells and trailing empty rows, which backends may or may
// not return, so ragged and padded grids compare equal.
func Normalize(rows [][]sheets.Cell) [][]sheets.Cell {
	out := make([][]sheets.Cell, len(rows))
	for i, r := range rows {
		for len(r) > 0 && r[len(r)-1].IsBlank() {
			r = r[:len(r)-1]
		}
		out[i] = r
	}
	for len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// SameCell compares cells by kind and value: dates by wall-clock time to the second.
func SameCell(a, b sheets.Cell) bool {
	if a.IsBlank() || b.IsBlank() {
		return a.IsBlank() && b.IsBlank()
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case sheets.Text:
		return a.Text == b.Text
	case sheets.Number:
		return a.Num == b.Num
	case sheets.Bool:
		return a.Bool == b.Bool
	case sheets.Date:
		return a.Time().Equal(b.Time())
	}
	return true
}

func equalRows(t *testing.T, what string, got, want [][]sheets.Cell) {
	t.Helper()
	g, w := Normalize(got), Normalize(want)
	if len(g) != len(w) {
		t.Errorf("%s: %d rows; want %d\ngot:  %s\nwant: %s", what, len(g), len(w), render(g), render(w))
		return
	}
	for i := range w {
		if len(g[i]) != len(w[i]) {
			t.Errorf("%s: row %d has %d cells; want %d\ngot:  %s\nwant: %s", what, i+1, len(g[i]), len(w[i]), render(g), render(w))
			return
		}
		for j := range w[i] {
			if !SameCell(g[i][j], w[i][j]) {
				t.Errorf("%s: row %d col %d = %s; want %s", what, i+1, j+1, describe(g[i][j]), describe(w[i][j]))
			}
		}
	}
}

var kindNames = map[sheets.Kind]string{sheets.Blank: "blank", sheets.Text: "text", sheets.Number: "number",
	sheets.Date: "date", sheets.Bool: "bool"}

func describe(c sheets.Cell) string { return fmt.Sprintf("%s %q", kindNames[c.Kind], c.String()) }

func render(rows [][]sheets.Cell) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("[")
		for j, c := range r {
			if j > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(describe(c))
		}
		b.WriteString("] ")
	}
	return b.String()
}
