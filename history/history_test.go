package history

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

var day1 = scoring.DateOf(2026, time.November, 23) // a Monday

func st(name string, ring int, q scoring.Quadrant, owner string) State {
	return State{Partner: name, Key: scoring.FoldName(name), Ring: ring, Quadrant: q, Owner: owner,
		Support: scoring.Some(1), Power: scoring.Some(3), Score: scoring.Some(50)}
}

func inactive(name, owner string) State {
	return State{Partner: name, Key: scoring.FoldName(name), Inactive: true, Owner: owner}
}

func changes(rows []Row, d scoring.Date) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		if r.Readable() && r.Date == d {
			out[r.Partner] = r.Change
		}
	}
	return out
}

func TestUpdate(t *testing.T) {
	base := []State{st("Ana", 3, scoring.Q2Persuade, "Dev Patel"), st("Bo", 4, scoring.Q3BuildUp, "Lena Kim"), inactive("Cy", "Dev Patel")}
	first := Update(nil, base, day1, 0)
	later := day1.AddDays(7)
	tests := []struct {
		name string
		now  []State
		want map[string]string
	}{
		{"nothing changed adds nothing", base, map[string]string{}},
		{"ring moved in", []State{st("Ana", 2, scoring.Q2Persuade, "Dev Patel"), base[1], base[2]}, map[string]string{"Ana": "ring 3 → 2"}},
		{"quadrant and ring together", []State{st("Ana", 2, scoring.Q1Engage, "Dev Patel"), base[1], base[2]}, map[string]string{"Ana": "ring 3 → 2; Q2 → Q1"}},
		{"owner changed", []State{base[0], st("Bo", 4, scoring.Q3BuildUp, "Dev Patel"), base[2]}, map[string]string{"Bo": "owner Lena Kim → Dev Patel"}},
		{"owner case is not a change", []State{st("Ana", 3, scoring.Q2Persuade, "dev  patel"), base[1], base[2]}, map[string]string{}},
		{"owner removed", []State{st("Ana", 3, scoring.Q2Persuade, ""), base[1], base[2]}, map[string]string{"Ana": "owner Dev Patel → nobody"}},
		{"went inactive", []State{base[0], inactive("Bo", "Lena Kim"), base[2]}, map[string]string{"Bo": "inactive"}},
		{"inactive partner never seen gets no row; active one is first seen", []State{base[0], base[1], st("Cy", 5, scoring.Q4Monitor, "Dev Patel"), st("Di", 5, scoring.Q4Monitor, "")},
			map[string]string{"Cy": "first seen", "Di": "first seen"}},
		{"a partner left off the tab adds nothing", []State{base[0]}, map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := Update(first.Rows, tc.now, later, 0)
			got := changes(out.Rows, later)
			if len(got) != len(tc.want) || out.Added != len(tc.want) {
				t.Fatalf("rows %v (added %d), want %v", got, out.Added, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: Change %q, want %q", k, got[k], v)
				}
			}
			for i, r := range first.Rows {
				if out.Rows[i].Change != r.Change || out.Rows[i].Date != r.Date {
					t.Errorf("earlier row %d changed: %+v", i, out.Rows[i])
				}
			}
		})
	}
	if got := changes(first.Rows, day1); len(got) != 2 || got["Ana"] != FirstSeen || got["Bo"] != FirstSeen {
		t.Errorf("first run: %v, want Ana and Bo first seen (Cy is inactive)", got)
	}
}

func TestInactiveThenActiveAgain(t *testing.T) {
	r1 := Update(nil, []State{st("Ana", 3, scoring.Q2Persuade, "Dev")}, day1, 0)
	r2 := Update(r1.Rows, []State{inactive("Ana", "Dev")}, day1.AddDays(1), 0)
	r3 := Update(r2.Rows, []State{inactive("Ana", "Dev")}, day1.AddDays(2), 0)
	r4 := Update(r3.Rows, []State{st("Ana", 2, scoring.Q2Persuade, "Dev")}, day1.AddDays(3), 0)
	var got []string
	for _, r := range r4.Rows {
		got = append(got, r.Change)
	}
	if want := "first seen|inactive|active again"; strings.Join(got, "|") != want {
		t.Errorf("changes %q, want %q", strings.Join(got, "|"), want)
	}
	if !r4.Rows[1].Inactive || r4.Rows[1].Ring != 0 {
		t.Errorf("the inactive row %+v should be marked and have no ring", r4.Rows[1])
	}
}

func TestSameDayRewritesOnlyThatDay(t *testing.T) {
	r1 := Update(nil, []State{st("Ana", 3, scoring.Q2Persuade, "Dev")}, day1, 0)
	d2 := day1.AddDays(7)
	r2 := Update(r1.Rows, []State{st("Ana", 2, scoring.Q2Persuade, "Dev")}, d2, 0)
	// Same day again, the volunteer changed it back: that day's row goes, the earlier stays.
	r3 := Update(r2.Rows, []State{st("Ana", 3, scoring.Q2Persuade, "Dev")}, d2, 0)
	if len(r3.Rows) != 1 || r3.Rows[0].Date != day1 {
		t.Errorf("rows %+v, want only the first seen row", r3.Rows)
	}
	// Same day, a different move: one row for the day, compared with the earlier day.
	r4 := Update(r2.Rows, []State{st("Ana", 1, scoring.Q2Persuade, "Dev")}, d2, 0)
	if len(r4.Rows) != 2 || r4.Rows[1].Change != "ring 3 → 1" {
		t.Errorf("rows %+v, want first seen then ring 3 → 1", r4.Rows)
	}
	r5 := Update(r4.Rows, []State{st("Ana", 1, scoring.Q2Persuade, "Dev")}, d2, 0)
	if len(r5.Rows) != 2 || r5.Added != 1 {
		t.Errorf("a second sync the same day: %d rows, %d added; want 2 and 1", len(r5.Rows), r5.Added)
	}
}

func TestEarlierAsOfChangesNothing(t *testing.T) {
	r1 := Update(nil, []State{st("Ana", 3, scoring.Q2Persuade, "Dev")}, day1, 0)
	out := Update(r1.Rows, []State{st("Ana", 1, scoring.Q1Engage, "Kim"), st("Bo", 2, scoring.Q1Engage, "")}, day1.AddDays(-1), 0)
	if !out.Frozen || len(out.Rows) != 1 || out.Added != 0 {
		t.Errorf("as-of before the latest row: %+v, want frozen and unchanged", out)
	}
}

func TestRetentionKeepsEachPartnersLatest(t *testing.T) {
	rows := []Row{
		{Date: day1, Partner: "Ana", Key: "ana", Ring: 3, Change: FirstSeen},
		{Date: day1, Partner: "Bo", Key: "bo", Ring: 4, Change: FirstSeen},
		{Date: day1.AddDays(10), Partner: "Ana", Key: "ana", Ring: 2, Change: "ring 3 → 2"},
		{Raw: []sheets.Cell{sheets.TextCell("a note")}},
	}
	out := Update(rows, []State{st("Ana", 2, 0, ""), st("Bo", 4, 0, "")}, day1.AddDays(400), 365)
	var got []string
	for _, r := range out.Rows {
		got = append(got, r.Partner+" "+r.Change)
	}
	// Ana's first row is old and not her latest; Bo's is old but his latest; the unreadable row stays.
	if want := "Bo first seen|Ana ring 3 → 2| "; out.Dropped != 1 || strings.Join(got, "|") != want {
		t.Errorf("rows %q (dropped %d), want %q with 1 dropped", got, out.Dropped, want)
	}
}

func TestReadRespectsVolunteerEditsAndReportsUnreadableRows(t *testing.T) {
	txt := sheets.TextCell
	tab := &sheets.Table{Name: "History", Rows: [][]sheets.Cell{
		{txt("History legend")},
		{txt("Partner"), txt("date"), txt("RING"), txt("Quadrant"), txt("Support"), txt("Power"), txt("Score"), txt("Owner"), txt("Stage"), txt("Change")},
		{txt("Ana"), sheets.DateCell(day1.Time()), sheets.IntCell(3), txt("Q2 Persuade"), sheets.NumberCell(-1), sheets.NumberCell(3.5), sheets.IntCell(40), txt("Dev"), txt("Met"), txt("first seen")},
		{txt("Bo"), txt("2026-11-24"), txt("two"), txt("Q9"), txt("x"), {}, {}, txt("Kim"), {}, txt("ring 3 → 2; inactive")},
		{txt("Cy"), txt("someday"), sheets.IntCell(3)},
		{},
		{{}, sheets.DateCell(day1.Time()), sheets.IntCell(3)},
	}}
	rows, issues := Read(tab, decode.MDY)
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4 (the blank one skipped)", len(rows))
	}
	if r := rows[0]; r.Partner != "Ana" || r.Date != day1 || r.Ring != 3 || r.Quadrant != scoring.Q2Persuade || r.Support.Value != -1 || r.Owner != "Dev" || r.SheetRow != 3 {
		t.Errorf("row 3 read as %+v", r)
	}
	if r := rows[1]; r.Date != day1.AddDays(1) || r.Ring != 0 || r.Quadrant != 0 || r.Support.Known || !r.Inactive {
		t.Errorf("row 4 read as %+v; want text date read, bad ring/quadrant/support blank, inactive", r)
	}
	if rows[2].Readable() || rows[3].Readable() || rows[2].SheetRow != 5 || rows[3].SheetRow != 7 {
		t.Errorf("rows 5 and 7 should be kept raw: %+v %+v", rows[2], rows[3])
	}
	var where []string
	for _, is := range issues {
		where = append(where, is.Tab+"!"+is.Column+strconv.Itoa(is.Row))
	}
	if want := "History!Ring4 History!Quadrant4 History!Support4 History!Date5 History!Partner7"; strings.Join(where, " ") != want {
		t.Errorf("issues at %v, want %s", where, want)
	}
}

func TestProgressCountsWeeks(t *testing.T) {
	mon := day1
	rows := []Row{
		{Date: mon, Key: "a", Ring: 3, Quadrant: 2, Change: FirstSeen},
		{Date: mon, Key: "b", Ring: 4, Quadrant: 3, Change: FirstSeen},
		{Date: mon.AddDays(9), Key: "a", Ring: 2, Quadrant: 2, Change: "ring 3 → 2"},
		{Date: mon.AddDays(10), Key: "b", Ring: 5, Quadrant: 3, Change: "ring 4 → 5"},
		{Date: mon.AddDays(15), Key: "b", Inactive: true, Change: WentInactive},
	}
	weeks := Progress(rows, mon.AddDays(22))
	if len(weeks) != 4 {
		t.Fatalf("%d weeks, want 4", len(weeks))
	}
	type w struct{ r2, r3, r4, r5, q2, q3, active, in, out int }
	want := []w{{0, 1, 1, 0, 1, 1, 2, 0, 0}, {1, 0, 0, 1, 1, 1, 2, 1, 1}, {1, 0, 0, 0, 1, 0, 1, 0, 0}, {1, 0, 0, 0, 1, 0, 1, 0, 0}}
	for i, k := range weeks {
		got := w{k.Rings[2], k.Rings[3], k.Rings[4], k.Rings[5], k.Quadrants[2], k.Quadrants[3], k.Active, k.MovedIn, k.MovedOut}
		if got != want[i] || k.Start != mon.AddDays(7*i) {
			t.Errorf("week %d (%s): %+v, want %+v", i, k.Start, got, want[i])
		}
	}
}

func TestMonday(t *testing.T) {
	for i := range 7 {
		if got := Monday(day1.AddDays(i)); got != day1 {
			t.Errorf("Monday(%s) = %s, want %s", day1.AddDays(i), got, day1)
		}
	}
	if got := Monday(day1.AddDays(-1)); got != day1.AddDays(-7) {
		t.Errorf("Monday of a Sunday = %s", got)
	}
}

func TestMovesNamesTheLatestChangeWithin90Days(t *testing.T) {
	p := func(d int, ring int, q scoring.Quadrant, s, pw float64) Row {
		return Row{Date: day1.AddDays(d), Key: "a", Partner: "A", Ring: ring, Quadrant: q, Support: scoring.Some(s), Power: scoring.Some(pw)}
	}
	rows := []Row{p(-200, 4, 4, -1, 2), p(-100, 3, 4, 0, 2), p(-30, 2, 1, 1, 3), p(-10, 2, 1, 1, 3.5),
		{Date: day1.AddDays(-120), Key: "b", Ring: 3}, {Date: day1.AddDays(-95), Key: "b", Ring: 2}}
	m := Moves(rows, day1, MovedDays)
	if got := m["a"].Text(); got != "ring 3 → 2; Q4 → Q1 on "+day1.AddDays(-30).String() {
		t.Errorf("Moved %q", got)
	}
	if len(m["a"].Path) != 3 || m["a"].Path[0].Support != 0 {
		t.Errorf("path %+v, want from the -100 row (where it stood 90 days ago) to the latest", m["a"].Path)
	}
	if _, ok := m["b"]; ok {
		t.Errorf("b moved 95 days ago: not within 90 days")
	}
}

func TestRebuildFillsEmptyWeeks(t *testing.T) {
	asOf := day1.AddDays(28)
	existing := []Row{{Date: day1.AddDays(14), Key: "ana", Partner: "Ana", Ring: 3, Quadrant: 2, Change: FirstSeen}}
	calls := 0
	rows, n := Rebuild(existing, day1, asOf, func(d scoring.Date) []State {
		calls++
		ring := 4
		if d > day1.AddDays(7) {
			ring = 3
		}
		return []State{st("Ana", ring, scoring.Q2Persuade, ""), inactive("Cy", "")}
	})
	// Weeks 0 and 1 are filled (Ana ring 4, then 3); week 2 has a row; week 3 filled but unchanged.
	if calls != 3 || n != 2 {
		t.Fatalf("%d weeks computed, %d rows added; want 3 and 2", calls, n)
	}
	if rows[0].Date != day1.AddDays(6) || rows[0].Change != Reconstructed || rows[0].Ring != 4 || rows[1].Ring != 3 || rows[2].Change != FirstSeen {
		t.Errorf("rows %+v", rows)
	}
}

func TestFingerprintLeavesOutTheDaysOwnRows(t *testing.T) {
	r1 := Update(nil, []State{st("Ana", 3, scoring.Q2Persuade, "Dev")}, day1, 0)
	var none, today bytes.Buffer
	Fingerprint(&none, nil, day1)
	Fingerprint(&today, r1.Rows, day1)
	if none.String() != today.String() {
		t.Errorf("the day's own rows changed the fingerprint: %q vs %q", none.String(), today.String())
	}
	var next bytes.Buffer
	Fingerprint(&next, r1.Rows, day1.AddDays(1))
	if next.Len() == 0 {
		t.Errorf("an earlier day's rows are input and must be fingerprinted")
	}
}

func TestParseQuadrant(t *testing.T) {
	for in, want := range map[string]scoring.Quadrant{"Q1 Engage": 1, "q2": 2, "Persuade": 2, " build up ": 3, "Q4Monitor": 4, "4": 4, "Q5": 0, "": 0} {
		if got, _ := ParseQuadrant(in); got != want {
			t.Errorf("ParseQuadrant(%q) = %d, want %d", in, got, want)
		}
	}
}
