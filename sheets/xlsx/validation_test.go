package xlsx

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/internal/longtest"
	"github.com/partnermap/partnermap/sheets"
)

// helpTabs are the templates AddValidation lays onto the fixture: Partners has a note of
// its own on Name and a dropdown of its own on Stance; Meetings has its columns in another
// order than the template; Members does not exist.
func helpTabs() []sheets.InputTab {
	return []sheets.InputTab{
		{
			Name:   "Partners",
			Header: []string{"Name", "Stance", "Influence", "Status"},
			Notes:  []string{"the organization or person", "where they stand", "1–5: influence", "active?"},
			Validations: []sheets.Validation{
				{Col: 1, Values: []string{"Opposes", "Neutral", "Supports"}},
				{Col: 3, Values: []string{"Active", "Inactive"}},
			},
		},
		{
			Name:        "Meetings",
			Header:      []string{"Date", "Partner", "Done"},
			Notes:       []string{"", "who we met", ""},
			Validations: []sheets.Validation{{Col: 2, Values: []string{"yes", "no"}}},
		},
		{Name: "Members", Header: []string{"Name", "Role"}, Validations: []sheets.Validation{{Col: 1, Values: []string{"Leader", "Member"}}}},
	}
}

// helpFixture is inputFixture plus a Meetings tab of dates, booleans, numbers and text in
// its own column order, and a managed output tab named like an input tab.
func helpFixture(t *testing.T) string {
	path := inputFixture(t)
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	_, err = f.NewSheet("Meetings")
	must(t, err)
	must(t, f.SetSheetRow("Meetings", "A1", &[]any{"Partner", "Done", "Date", "Notes"}))
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	must(t, err)
	for i := 2; i <= 40; i++ {
		row := &[]any{"Eastside Tenants Union", i%2 == 0, day.AddDate(0, 0, -i), float64(i) / 3}
		cell, _ := excelize.CoordinatesToCellName(1, i)
		must(t, f.SetSheetRow("Meetings", cell, row))
		date, _ := excelize.CoordinatesToCellName(3, i)
		must(t, f.SetCellStyle("Meetings", date, date, dateStyle))
	}
	must(t, f.SetCellRichText("Meetings", "D2", []excelize.RichTextRun{{Text: "bold ", Font: &excelize.Font{Bold: true}}, {Text: "and not"}}))
	must(t, f.SetCellFormula("Meetings", "D3", "C3+1"))
	must(t, f.SetColWidth("Meetings", "A", "A", 31))
	must(t, f.SetPanes("Meetings", &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
	red, err := f.NewConditionalStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F4C7C3"}}})
	must(t, err)
	must(t, f.SetConditionalFormat("Meetings", "C2:C40", []excelize.ConditionalFormatOptions{{Type: "formula", Criteria: "C2<TODAY()", Format: &red}}))
	_, err = f.NewSheet("Members")
	must(t, err)
	must(t, f.SetSheetRow("Members", "A1", &[]any{"Name", "Role"}))
	must(t, f.SetDefinedName(&excelize.DefinedName{Name: markerName, RefersTo: markerValue, Scope: "Members"}))
	must(t, f.Save())
	return path
}

func TestAddValidationAddsHelpAndChangesNoValue(t *testing.T) {
	path := helpFixture(t)
	before := map[string]sheetState{}
	for _, tab := range []string{"Partners", "Meetings", "Members"} {
		before[tab] = stateOf(t, path, tab)
	}
	w := New(path, Options{Backups: 1})
	changed, err := w.AddValidation(ctx, helpTabs())
	must(t, err)
	if want := []string{"Partners", "Meetings"}; !reflect.DeepEqual(changed, want) {
		t.Errorf("changed %v, want %v (Members is managed)", changed, want)
	}

	after := map[string]sheetState{}
	for _, tab := range []string{"Partners", "Meetings", "Members"} {
		after[tab] = stateOf(t, path, tab)
		if !reflect.DeepEqual(after[tab].Cells, before[tab].Cells) || !reflect.DeepEqual(after[tab].Styles, before[tab].Styles) ||
			!reflect.DeepEqual(after[tab].Merges, before[tab].Merges) {
			t.Errorf("%s: cells changed:\nbefore %+v\nafter  %+v", tab, before[tab], after[tab])
		}
	}
	tests := []struct {
		tab, what string
		got, want []string
	}{
		{"Partners", "notes", after["Partners"].Comments, []string{
			"A1 vol the partner", // the volunteer's own note stays
			"B1 partnermap where they stand",
			"C1 partnermap 1–5: influence",
		}},
		// Stance keeps the volunteer's list; there is no Status column.
		{"Partners", "dropdowns", after["Partners"].Validations, before["Partners"].Validations},
		{"Meetings", "notes", after["Meetings"].Comments, []string{"A1 partnermap who we met"}},
		// Done is column B here; rows in use (40) plus room for a thousand more.
		{"Meetings", "dropdowns", after["Meetings"].Validations, []string{`B2:B1040 list "yes,no"`}},
		{"Members", "dropdowns", after["Members"].Validations, nil},
	}
	for _, tc := range tests {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s %s = %q, want %q", tc.tab, tc.what, tc.got, tc.want)
		}
	}
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	if wd, _ := f.GetColWidth("Meetings", "A"); wd != 31 {
		t.Errorf("Meetings column A width %v, want the volunteer's 31", wd)
	}
	if p, err := f.GetPanes("Meetings"); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("Meetings panes %+v (%v), want the header still frozen", p, err)
	}
	if cf, err := f.GetConditionalFormats("Meetings"); err != nil || len(cf["C2:C40"]) != 1 {
		t.Errorf("Meetings colour rules %+v (%v), want the volunteer's rule on C2:C40", cf, err)
	}
	snap := mustRead(t, w, "Meetings")
	if got := len(snap.Tables["Meetings"].Rows); got != 40 {
		t.Errorf("Meetings reads back %d rows, want 40", got)
	}
	checkPackage(t, path)

	// Everything is there now: a second run writes nothing, not even a backup.
	entries, _ := os.ReadDir(filepath.Dir(path))
	snapshot := readFile(t, path)
	changed, err = w.AddValidation(ctx, helpTabs())
	must(t, err)
	entriesAfter, _ := os.ReadDir(filepath.Dir(path))
	if len(changed) != 0 || !bytes.Equal(readFile(t, path), snapshot) || len(entriesAfter) != len(entries) {
		t.Errorf("second run changed %v; file changed %v; files %d -> %d", changed,
			!bytes.Equal(readFile(t, path), snapshot), len(entries), len(entriesAfter))
	}
}

func TestAddValidationRefusesAnOpenOrMissingWorkbook(t *testing.T) {
	t.Run("open in a spreadsheet program", func(t *testing.T) {
		path := helpFixture(t)
		lock := filepath.Join(filepath.Dir(path), ".~lock.partners.xlsx#")
		must(t, os.WriteFile(lock, []byte("someone"), 0o644))
		snapshot := readFile(t, path)
		_, err := New(path, Options{}).AddValidation(ctx, helpTabs())
		if !errors.Is(err, sheets.ErrBusy) {
			t.Errorf("err = %v, want ErrBusy", err)
		}
		if !bytes.Equal(readFile(t, path), snapshot) {
			t.Error("the workbook changed")
		}
	})
	t.Run("saved by someone during the run", func(t *testing.T) {
		path := helpFixture(t)
		w := New(path, Options{})
		w.hook = func(step string) error {
			if step == "rename" {
				// A person saves the workbook while partnermap is building its version.
				data := readFile(t, path)
				must(t, os.WriteFile(path, append(data[:len(data):len(data)], 0), 0o644))
			}
			return nil
		}
		if _, err := w.AddValidation(ctx, helpTabs()); !errors.Is(err, sheets.ErrChanged) {
			t.Errorf("err = %v, want ErrChanged", err)
		}
	})
	t.Run("no workbook", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "none.xlsx")
		if _, err := New(path, Options{}).AddValidation(ctx, helpTabs()); err == nil {
			t.Error("no error for a missing workbook")
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a workbook was created (%v)", err)
		}
	})
}

func TestHasDropdownReadsEveryReferenceForm(t *testing.T) {
	dv := func(sqref string) []*excelize.DataValidation { return []*excelize.DataValidation{{Sqref: sqref}} }
	tests := []struct {
		sqref string
		col   int
		want  bool
	}{
		{"B2:B100", 1, true},
		{"B2:B100", 2, false},
		{"$C$5:$C$9", 2, true},
		{"A1", 0, false}, // the header cell only
		{"A1 D7", 3, true},
		{"D:D", 3, true},
		{"2:5", 7, true},
		{"B3000:B4000", 1, false}, // below the rows it would cover
		{"??", 0, true},           // unreadable: assume covered
	}
	for _, tc := range tests {
		if got := hasDropdown(dv(tc.sqref), tc.col, 1000); got != tc.want {
			t.Errorf("hasDropdown(%q, col %d) = %v, want %v", tc.sqref, tc.col, got, tc.want)
		}
	}
}

// TestLibreOfficeOpensAWorkbookGivenDropdowns: the volunteers' own tabs, rewritten with
// notes and dropdowns added, still open in a spreadsheet program.
func TestLibreOfficeOpensAWorkbookGivenDropdowns(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed; CI installs it")
	}
	longtest.Skip(t, "starts LibreOffice")
	path := helpFixture(t)
	if _, err := New(path, Options{}).AddValidation(ctx, helpTabs()); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	// A profile of its own, so a LibreOffice already running elsewhere is not reused.
	profile := "file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "profile"))
	cctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(cctx, soffice, "-env:UserInstallation="+profile, "--headless", "--norestore",
		"--convert-to", "pdf", "--outdir", dir, path).CombinedOutput()
	if err != nil {
		t.Fatalf("soffice --convert-to pdf: %v\n%s", err, out)
	}
	if info, err := os.Stat(filepath.Join(dir, "partners.pdf")); err != nil || info.Size() == 0 {
		t.Fatalf("LibreOffice made no PDF of the workbook (%v)\n%s", err, out)
	}
}
