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
