package main

import (
	"strings"
	"testing"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google/fake"
)

// TestSyncNowOnGoogleSheetCostsTwoCallsThenOne runs the command line against the fake Sheets
// server through source.endpoint, as an admin would against an emulator.
func TestSyncNowOnGoogleSheetCostsTwoCallsThenOne(t *testing.T) {
	srv := fake.New()
	defer srv.Close()
	srv.AddSpreadsheet("chapter-1", "America/Chicago")
	srv.AddInputTabs("chapter-1", demo.Workbook(config.Default().Tabs, demo.Day(scoring.DateOf(2026, 11, 23))))
	args := []string{"sync", "--now", "--as-of", "2026-11-23",
		"--spreadsheet-id", "chapter-1", "--set", "source.endpoint=" + srv.URL()}

	code, stdout, stderr := partnermap(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := len(srv.Calls()); n != 2 {
		t.Errorf("a changed sync made %d API calls, want 2 (one read, one batchUpdate)", n)
	}
	rows, ok := srv.Cells("chapter-1", "Priorities")
	if !ok || len(rows) < 10 {
		t.Fatalf("Priorities not written: %v", rows)
	}
	if rows[2][1].String() != "Eastside Tenants Union" {
		t.Errorf("rank 1 is %q", rows[2][1].String())
	}
	// The demo's two campaigns: a block each on Campaign Maps, each with its chart beside it,
	// in the same single write.
	if sh, ok := srv.Sheet("chapter-1", "Campaign Maps"); !ok || len(sh.Charts) != 2 ||
		sh.Charts[0].Spec.Title != "Just-cause eviction ordinance: power over Councilmember Rivera's office" ||
		sh.Charts[1].Position.OverlayPosition.AnchorCell.RowIndex <= sh.Charts[0].Position.OverlayPosition.AnchorCell.RowIndex {
		t.Errorf("Campaign Maps: tab %v, charts %d; want the two campaigns' charts, one below the other", ok, len(sh.Charts))
	}

	srv.ResetCalls()
	code, stdout, stderr = partnermap(t, args...)
	if code != exitOK || !strings.Contains(stdout, "Nothing changed") {
		t.Fatalf("second sync: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := len(srv.Calls()); n != 1 {
		t.Errorf("an unchanged sync made %d API calls, want 1 (the read)", n)
	}

	// A volunteer edit makes the next sync write again.
	srv.SetCell("chapter-1", "Partners", 1, 3, sheets.TextCell("Opposes"))
	srv.ResetCalls()
	if code, _, stderr := partnermap(t, args...); code != exitOK {
		t.Fatalf("third sync: exit %d: %s", code, stderr)
	}
	if n := len(srv.Calls()); n != 2 {
		t.Errorf("a sync after an edit made %d API calls, want 2", n)
	}
}

// TestInitAndCheckOnGoogleSheet: init adds only the missing input tabs of a Google sheet and
// leaves a volunteer's existing tab as it was; check then reports access and each tab's rows.
func TestInitAndCheckOnGoogleSheet(t *testing.T) {
	srv := fake.New()
	defer srv.Close()
	srv.AddSpreadsheet("chapter-2", "Europe/Berlin")
	own := [][]sheets.Cell{
		{sheets.TextCell("Name"), sheets.TextCell("Type"), sheets.TextCell("Stance")},
		{sheets.TextCell("Riverside Food Bank"), sheets.TextCell("Nonprofit"), sheets.TextCell("Supports")},
	}
	srv.AddTab("chapter-2", "Partners", own)
	base := []string{"--spreadsheet-id", "chapter-2", "--set", "source.endpoint=" + srv.URL()}

	code, stdout, stderr := partnermap(t, append([]string{"init"}, base...)...)
	if code != exitOK {
		t.Fatalf("init: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"Assets", "Meetings", "Members"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("init did not report adding %s: %s", want, stdout)
		}
	}
	if strings.Contains(stdout, "Partners") {
		t.Errorf("init claims to have added the existing Partners tab: %s", stdout)
	}
	got, ok := srv.Cells("chapter-2", "Partners")
	if !ok || len(got) != len(own) {
		t.Fatalf("Partners changed by init: %v", got)
	}
	for r := range own {
		for c := range own[r] {
			if got[r][c].String() != own[r][c].String() {
				t.Errorf("Partners row %d col %d: %q, was %q", r+1, c+1, got[r][c].String(), own[r][c].String())
			}
		}
	}
	header, _ := srv.Cells("chapter-2", "Meetings")
	if len(header) == 0 || header[0][0].String() != "Date" {
		t.Errorf("Meetings header not written: %v", header)
	}

	srv.ResetCalls()
	code, stdout, _ = partnermap(t, append([]string{"init"}, base...)...)
	if code != exitOK || !strings.Contains(stdout, "nothing changed") {
		t.Errorf("second init: exit %d: %s", code, stdout)
	}
	if n := len(srv.CallsOf("batchUpdate")); n != 0 {
		t.Errorf("second init made %d batchUpdate calls, want 0", n)
	}

	code, stdout, stderr = partnermap(t, append([]string{"check"}, base...)...)
	if code != exitOK {
		t.Fatalf("check: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"config: ok", "access: ok", `tab "Partners": 1 row`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, stdout)
		}
	}
	if n := len(srv.CallsOf("batchUpdate")); n != 0 {
		t.Errorf("check wrote to the sheet (%d batchUpdate calls)", n)
	}
}
