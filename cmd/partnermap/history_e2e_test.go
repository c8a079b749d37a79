package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/internal/longtest"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// historyWorkbook is a small chapter whose rings do not move with time, except Di Youth's:
// its one Event (a participation) is 177 days before 2026-11-23, inside the 180-day window
// then and outside it a week later, so Di Youth moves from ring 3 to ring 4 with no edit.
func historyWorkbook() []sheets.InputTab {
	txt := sheets.TextCell
	partner := func(name, owner string, stance, influence, alignment int) []sheets.Cell {
		return []sheets.Cell{txt(name), txt(owner), sheets.IntCell(stance), sheets.IntCell(influence), sheets.IntCell(alignment)}
	}
	meeting := func(d scoring.Date, name, member, kind string) []sheets.Cell {
		return []sheets.Cell{sheets.DateCell(d.Time()), txt(name), txt(member), txt(kind)}
	}
	return []sheets.InputTab{
		{Name: "Partners", Header: []string{"Name", "Owner", "Stance", "Influence", "Alignment", "Ring", "Status"}, Rows: [][]sheets.Cell{
			partner("Ana Org", "Dev Patel", 1, 4, 4),
			partner("Bo Union", "Lena Kim", 1, 4, 4),
			partner("Cy Church", "Dev Patel", 2, 2, 5),
			partner("Di Youth", "Lena Kim", 1, 2, 4),
			partner("Ed Press", "Lena Kim", -1, 4, 2),
			partner("Fay Market", "Dev Patel", 0, 3, 3),
		}},
		{Name: "Assets", Header: []string{"Member", "Asset", "Partner"}},
		{Name: "Meetings", Header: []string{"Date", "Partner", "Member", "Type"}, Rows: [][]sheets.Cell{
			meeting(scoring.DateOf(2026, 5, 30), "Di Youth", "Lena Kim", "Event"),
			meeting(scoring.DateOf(2026, 11, 2), "Ed Press", "Lena Kim", "1-1"),
			meeting(scoring.DateOf(2026, 10, 20), "Fay Market", "Dev Patel", "Call"),
		}},
		{Name: "Members", Header: []string{"Name", "Role"}, Rows: [][]sheets.Cell{
			{txt("Dev Patel"), txt("Leader")}, {txt("Lena Kim"), txt("Member")},
		}},
	}
}

// editAsVolunteer changes Partners cells with excelize and then, where LibreOffice is
// installed, saves the workbook again through it, as a volunteer's spreadsheet program
// would: partnermap must still find its tabs and History in what LibreOffice writes.
func editAsVolunteer(t *testing.T, path string, edits map[string]map[string]string) (viaLibreOffice bool) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Partners")
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for r, row := range rows {
		if r == 0 || len(row) == 0 {
			continue
		}
		for header, value := range edits[row[0]] {
			cell, _ := excelize.CoordinatesToCellName(col[header]+1, r+1)
			if err := f.SetCellValue("Partners", cell, value); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil || !longtest.Enabled() {
		return false // LibreOffice takes half a minute: the long suite only
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", filepath.Join(dir, "out"), path)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to xlsx: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out", filepath.Base(path)))
	if err != nil {
		t.Fatalf("LibreOffice saved nothing: %v", err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return true
}

func historyRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	return rows(t, readTabs(t, path, []string{"History"})["History"])
}

// TestHistoryRecordsWhatChangedInAWeek is the week of a chapter: synced on day 1, edited by
// a volunteer in LibreOffice (one ring override, one owner, one partner marked inactive),
// synced a week later, and synced again that day.
func TestHistoryRecordsWhatChangedInAWeek(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chapter.xlsx")
	if _, err := xlsx.New(path, xlsx.DefaultOptions()).AddInputTabs(context.Background(), historyWorkbook()); err != nil {
		t.Fatal(err)
	}
	sync := func(asOf string) {
		t.Helper()
		if code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", asOf, "--xlsx", path); code != exitOK {
			t.Fatalf("sync %s: exit %d\nstdout: %s\nstderr: %s", asOf, code, stdout, stderr)
		}
	}
	sync("2026-11-23")
	first := historyRows(t, path)
	if len(first) != 6 {
		t.Fatalf("day 1: %d History rows, want one first seen per partner:\n%v", len(first), first)
	}
	ring := map[string]string{}
	for _, r := range first {
		if r["Change"] != "first seen" || r["Date"] != "2026-11-23" {
			t.Errorf("day 1 row %v, want first seen on 2026-11-23", r)
		}
		ring[r["Partner"]] = r["Ring"]
	}
	if ring["Ana Org"] != "4" || ring["Di Youth"] != "3" {
		t.Fatalf("day 1 rings %v: the workbook no longer sets up the moves this test checks", ring)
	}

	viaLO := editAsVolunteer(t, path, map[string]map[string]string{
		"Ana Org":   {"Ring": "2"},
		"Bo Union":  {"Owner": "Dev Patel"},
		"Cy Church": {"Status": "Inactive"},
	})
	t.Logf("edited and saved through LibreOffice: %v", viaLO)

	sync("2026-11-30")
	after := historyRows(t, path)
	for i, r := range first {
		if after[i]["Partner"] != r["Partner"] || after[i]["Change"] != r["Change"] || after[i]["Date"] != r["Date"] {
			t.Errorf("day 1 row %d changed: %v, was %v", i+3, after[i], r)
		}
	}
	added := map[string]string{}
	for _, r := range after[len(first):] {
		if _, dup := added[r["Partner"]]; dup {
			t.Errorf("two rows for %s", r["Partner"])
		}
		if r["Date"] != "2026-11-30" {
			t.Errorf("row %v is not dated the sync's day", r)
		}
		added[r["Partner"]] = r["Change"]
	}
	want := map[string]string{
		"Ana Org":   "ring 4 → 2",
		"Bo Union":  "owner Lena Kim → Dev Patel",
		"Cy Church": "inactive",
		"Di Youth":  "ring 3 → 4", // its Event left the 180-day window
	}
	if len(added) != len(want) {
		t.Errorf("rows added a week later: %v, want exactly %v", added, want)
	}
	for p, c := range want {
		if added[p] != c {
			t.Errorf("%s: Change %q, want %q", p, added[p], c)
		}
	}

	tabs := readTabs(t, path, []string{"Priorities", "Progress"})
	pri := rowsByKey(t, tabs["Priorities"], "Partner")
	if got := pri["Ana Org"]["Moved"]; got != "ring 4 → 2 on 2026-11-30" {
		t.Errorf("Priorities Moved for Ana Org = %q, want the ring change", got)
	}
	if got := pri["Fay Market"]["Moved"]; got != "" {
		t.Errorf("Priorities Moved for Fay Market = %q, want blank", got)
	}
	if _, ok := pri["Cy Church"]; ok {
		t.Errorf("inactive Cy Church is still in Priorities")
	}
	progress := rows(t, tabs["Progress"])
	if len(progress) != 2 || progress[1]["Week"] != "2026-11-30" || progress[1]["Moved in"] != "1" || progress[1]["Moved out"] != "1" || progress[1]["Active"] != "5" {
		t.Errorf("Progress %v, want weeks of 11-23 and 11-30, the second with 1 in, 1 out, 5 active", progress)
	}

	sync("2026-11-30")
	if again := historyRows(t, path); len(again) != len(after) {
		t.Errorf("a second sync the same day: %d History rows, want %d", len(again), len(after))
	}
}

// TestHistoryRebuildShowsATrendOnTheFirstDay rebuilds History from the meeting log on a
// workbook that was never synced: the weeks since that of 2026-05-01 get reconstructed rows, Di Youth's
// Event of 2026-05-30 moves it in a ring that week, and Progress starts in May.
func TestHistoryRebuildShowsATrendOnTheFirstDay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chapter.xlsx")
	if _, err := xlsx.New(path, xlsx.DefaultOptions()).AddInputTabs(context.Background(), historyWorkbook()); err != nil {
		t.Fatal(err)
	}
	rebuild := func() string {
		t.Helper()
		code, stdout, stderr := partnermap(t, "history", "--rebuild", "--since", "2026-05-01", "--as-of", "2026-11-23", "--xlsx", path)
		if code != exitOK {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
		return stdout
	}
	out := rebuild()
	hist := historyRows(t, path)
	byPartner := map[string][]string{}
	for _, r := range hist {
		if r["Change"] != "reconstructed" {
			t.Errorf("row %v: a rebuild on a workbook never synced should only reconstruct", r)
		}
		byPartner[r["Partner"]] = append(byPartner[r["Partner"]], r["Date"]+" ring "+r["Ring"])
	}
	if got := strings.Join(byPartner["Di Youth"], ", "); got != "2026-05-03 ring 4, 2026-05-31 ring 3" {
		t.Errorf("Di Youth's reconstructed rows: %s; want ring 4 in the first week, ring 3 after its Event of 05-30", got)
	}
	if got := strings.Join(byPartner["Ana Org"], ", "); got != "2026-05-03 ring 4" {
		t.Errorf("Ana Org's rows: %s; want one row, it never moved", got)
	}
	if !strings.Contains(out, fmt.Sprintf("%d History rows reconstructed", len(hist))) {
		t.Errorf("output %q does not say how many rows were reconstructed (%d)", out, len(hist))
	}
	progress := rows(t, readTabs(t, path, []string{"Progress"})["Progress"])
	if len(progress) != 31 || progress[0]["Week"] != "2026-04-27" || progress[4]["Week"] != "2026-05-25" || progress[4]["Moved in"] != "1" {
		t.Errorf("Progress has %d weeks from %v; want 31 from 2026-04-27 (the week of 05-01) with 1 moved in the week of 05-25", len(progress), progress[0])
	}
	if again := rebuild(); !strings.Contains(again, "0 History rows reconstructed") || len(historyRows(t, path)) != len(hist) {
		t.Errorf("a second rebuild added rows: %s", again)
	}
	if code, _, stderr := partnermap(t, "history", "--xlsx", path); code != exitConfig || !strings.Contains(stderr, "--rebuild --since") {
		t.Errorf("history without --rebuild: exit %d, %s", code, stderr)
	}
}
