package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google/fake"
)

// volunteerPartners is a Partners tab a group made by hand: its own column order, "Support"
// for Stance (an alias a sync reads), no dropdowns, no notes.
var volunteerPartners = [][]any{
	{"Name", "Notes", "Support", "Influence", "Status"},
	{"Riverside Food Bank", "met at the fair", "Supports", 4, "Active"},
	{"=not a formula", "", "Opposes", 2.5, "Inactive"},
}

func TestInitAddValidationOnAWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "own.xlsx")
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Partners"); err != nil {
		t.Fatal(err)
	}
	for i, row := range volunteerPartners {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Partners", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	before := readTabs(t, path, []string{"Partners"})["Partners"]

	// Without the flag the volunteer's tab gets nothing.
	if code, stdout, stderr := partnermap(t, "init", "--xlsx", path); code != exitOK {
		t.Fatalf("init: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if dvs := dropdowns(t, path, "Partners"); len(dvs) != 0 {
		t.Errorf("init without --add-validation added dropdowns %q to an existing tab", dvs)
	}

	code, stdout, stderr := partnermap(t, "init", "--xlsx", path, "--add-validation")
	if code != exitOK {
		t.Fatalf("init --add-validation: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "added dropdowns and header notes to [Partners]") {
		t.Errorf("output does not say what it changed:\n%s", stdout)
	}
	after := readTabs(t, path, []string{"Partners"})["Partners"]
	if !reflect.DeepEqual(after, before) {
		t.Errorf("Partners values changed:\nbefore %v\nafter  %v", before.Rows, after.Rows)
	}
	want := []string{
		`C2:C1003 "Strongly opposes,Opposes,Neutral,Supports,Strongly supports"`, // Stance, called Support
		`E2:E1003 "Active,Inactive"`, // Status
	}
	if got := dropdowns(t, path, "Partners"); !reflect.DeepEqual(got, want) {
		t.Errorf("dropdowns %q, want %q", got, want)
	}

	snapshot, _ := os.ReadFile(path)
	code, stdout, _ = partnermap(t, "init", "--xlsx", path, "--add-validation")
	again, _ := os.ReadFile(path)
	if code != exitOK || !strings.Contains(stdout, "nothing changed") || !bytes.Equal(again, snapshot) {
		t.Errorf("second init --add-validation changed something: exit %d\n%s", code, stdout)
	}
}

func dropdowns(t *testing.T, path, sheet string) []string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, dv := range dvs {
		out = append(out, dv.Sqref+" "+dv.Formula1)
	}
	return out
}

func TestInitAddValidationOnAGoogleSheet(t *testing.T) {
	srv := fake.New()
	defer srv.Close()
	srv.AddSpreadsheet("chapter-3", "Europe/Berlin")
	var own [][]sheets.Cell
	for _, row := range volunteerPartners {
		var cells []sheets.Cell
		for _, v := range row {
			switch v := v.(type) {
			case string:
				cells = append(cells, sheets.TextCell(v))
			case int:
				cells = append(cells, sheets.IntCell(v))
			case float64:
				cells = append(cells, sheets.NumberCell(v))
			}
		}
		own = append(own, cells)
	}
	srv.AddTab("chapter-3", "Partners", own)
	args := []string{"init", "--spreadsheet-id", "chapter-3", "--set", "source.endpoint=" + srv.URL(), "--add-validation"}

	code, stdout, stderr := partnermap(t, args...)
	if code != exitOK {
		t.Fatalf("init --add-validation: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "added dropdowns and header notes to [Partners]") {
		t.Errorf("output does not say what it changed:\n%s", stdout)
	}
	got, _ := srv.Cells("chapter-3", "Partners")
	for r := range own {
		for c := range own[r] {
			if got[r][c] != own[r][c] {
				t.Errorf("Partners row %d col %d: %v, was %v", r+1, c+1, got[r][c], own[r][c])
			}
		}
	}
	sh, _ := srv.Sheet("chapter-3", "Partners")
	rows := sh.Data[0].RowData
	if v := rows[1].Values[2].DataValidation; v == nil || len(v.Condition.Values) != 5 {
		t.Errorf("Support (column C, Stance by another name) has no five-value dropdown: %+v", v)
	}
	if n := rows[0].Values[2].Note; !strings.Contains(n, "Where they stand") {
		t.Errorf("Stance header note %q", n)
	}
	if v := rows[1].Values[1].DataValidation; v != nil {
		t.Errorf("Notes (column B) got a dropdown: %+v", v)
	}

	srv.ResetCalls()
	code, stdout, _ = partnermap(t, args...)
	if code != exitOK || !strings.Contains(stdout, "nothing changed") || len(srv.CallsOf("batchUpdate")) != 0 {
		t.Errorf("second init --add-validation: exit %d, %d batchUpdates\n%s", code, len(srv.CallsOf("batchUpdate")), stdout)
	}
}
