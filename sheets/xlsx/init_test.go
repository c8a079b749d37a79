package xlsx

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

func partnersTab() sheets.InputTab {
	return sheets.InputTab{
		Name:        "Partners",
		Header:      []string{"Name", "Stance", "Influence"},
		Notes:       []string{"the organization or person", "", "1–5: influence over the decision-maker"},
		Validations: []sheets.Validation{{Col: 1, Values: []string{"Strongly opposes", "Opposes", "Neutral", "Supports", "Strongly supports"}}},
		Rows:        [][]sheets.Cell{{sheets.TextCell("Eastside Tenants Union"), sheets.TextCell("Supports"), sheets.IntCell(4)}},
		Widths:      []float64{30, 18},
	}
}

func meetingsTab() sheets.InputTab {
	return sheets.InputTab{
		Name:        "Meetings",
		Header:      []string{"Date", "Partner", "Done"},
		Validations: []sheets.Validation{{Col: 2, Values: []string{"yes", "no"}}},
		Rows:        [][]sheets.Cell{{sheets.DateCell(day), sheets.TextCell("Eastside Tenants Union"), sheets.BoolCell(false)}},
	}
}

func TestAddInputTabsCreatesANewWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.xlsx")
	w := New(path, Options{Backups: 1})
	added, err := w.AddInputTabs(ctx, []sheets.InputTab{partnersTab(), meetingsTab()})
	must(t, err)
	if want := []string{"Partners", "Meetings"}; !reflect.DeepEqual(added, want) {
		t.Errorf("added %v, want %v", added, want)
	}
	snap := mustRead(t, w, "Partners", "Meetings")
	if want := []sheets.TabInfo{{Name: "Partners"}, {Name: "Meetings"}}; !reflect.DeepEqual(snap.Tabs, want) {
		t.Errorf("tabs %+v, want exactly %+v (no stray Sheet1, no marker)", snap.Tabs, want)
	}
	wantRows := map[string][][]string{
		"Partners": {{"text:Name", "text:Stance", "text:Influence"}, {"text:Eastside Tenants Union", "text:Supports", "number:4"}},
		"Meetings": {{"text:Date", "text:Partner", "text:Done"}, {"date:2026-11-23", "text:Eastside Tenants Union", "bool:FALSE"}},
	}
	for tab, want := range wantRows {
		if got := grid(snap.Tables[tab].Rows); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %q, want %q", tab, got, want)
		}
	}

	st := stateOf(t, path, "Partners")
	wantDV := []string{`B2:B1000 list "Strongly opposes,Opposes,Neutral,Supports,Strongly supports"`}
	if !reflect.DeepEqual(st.Validations, wantDV) {
		t.Errorf("validations %q, want %q", st.Validations, wantDV)
	}
	wantNotes := []string{"A1 partnermap the organization or person", "C1 partnermap 1–5: influence over the decision-maker"}
	if !reflect.DeepEqual(st.Comments, wantNotes) {
		t.Errorf("notes %q, want %q", st.Comments, wantNotes)
	}
	if s := st.Styles[st.Cells["A1"].Style]; !strings.HasPrefix(s, "bold") {
		t.Errorf("header style %q, want bold", s)
	}
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	if p, err := f.GetPanes("Meetings"); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("Meetings panes %+v (%v), want the header frozen", p, err)
	}
	if wd, _ := f.GetColWidth("Partners", "A"); wd != 30 {
		t.Errorf("column A width %v, want 30", wd)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("folder holds %d files, want only the new workbook (no backup of nothing)", len(entries))
	}
	checkPackage(t, path)
}

func TestAddInputTabsNeverTouchesExistingTabs(t *testing.T) {
	path := inputFixture(t)
	before := stateOf(t, path, "Partners")
	beforeSheet := partBytes(t, path)["xl/worksheets/sheet1.xml"]
	w := New(path, Options{Backups: 1})
	added, err := w.AddInputTabs(ctx, []sheets.InputTab{partnersTab(), meetingsTab()})
	must(t, err)
	if want := []string{"Meetings"}; !reflect.DeepEqual(added, want) {
		t.Errorf("added %v, want %v", added, want)
	}
	if after := stateOf(t, path, "Partners"); !reflect.DeepEqual(after, before) {
		t.Errorf("existing tab changed:\nbefore %+v\nafter  %+v", before, after)
	}
	if !bytes.Equal(partBytes(t, path)["xl/worksheets/sheet1.xml"], beforeSheet) {
		t.Error("existing tab's worksheet part changed")
	}
	if st := stateOf(t, path, "Meetings"); len(st.Validations) != 1 {
		t.Errorf("new tab validations %q, want one dropdown", st.Validations)
	}
	checkPackage(t, path)

	// Nothing missing: nothing written, not even a backup.
	snapshot := readFile(t, path)
	added, err = w.AddInputTabs(ctx, []sheets.InputTab{partnersTab(), meetingsTab()})
	must(t, err)
	if len(added) != 0 || !bytes.Equal(readFile(t, path), snapshot) {
		t.Errorf("second run added %v and changed the file: %v", added, !bytes.Equal(readFile(t, path), snapshot))
	}
}

func TestAddInputTabsRefusesWhatItCannotDo(t *testing.T) {
	tests := []struct {
		name string
		tabs []sheets.InputTab
		want string
	}{
		{"duplicate tab names", []sheets.InputTab{partnersTab(), partnersTab()}, "listed twice"},
		{"a tab without a header", []sheets.InputTab{{Name: "Empty"}}, "no header"},
		{"a dropdown value with a comma", []sheets.InputTab{{Name: "X", Header: []string{"A"},
			Validations: []sheets.Validation{{Col: 0, Values: []string{"a, b"}}}}}, "comma"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "new.xlsx")
			_, err := New(path, Options{}).AddInputTabs(ctx, tc.tabs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Error("a workbook was created")
			}
		})
	}
}

func TestAddInputTabsSkipsWhenTheWorkbookIsOpen(t *testing.T) {
	path := inputFixture(t)
	must(t, os.WriteFile(filepath.Join(filepath.Dir(path), "~$partners.xlsx"), nil, 0o644))
	before := readFile(t, path)
	if _, err := New(path, Options{}).AddInputTabs(ctx, []sheets.InputTab{meetingsTab()}); !errors.Is(err, sheets.ErrBusy) {
		t.Fatalf("err = %v, want ErrBusy", err)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("the workbook changed")
	}
}

func TestAListDropdownReadsTheOtherTabsColumn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.xlsx")
	w := New(path, Options{Backups: 1})
	stances := sheets.InputTab{Name: "Stances", Header: []string{"Partner", "Campaign"},
		Validations: []sheets.Validation{{Col: 0, ListTab: "Partners", ListHeader: "Name"}, {Col: 1, ListTab: "Rivera's campaigns", ListCol: 2}}}
	_, err := w.AddInputTabs(ctx, []sheets.InputTab{partnersTab(), stances})
	must(t, err)
	st := stateOf(t, path, "Stances")
	want := []string{`A2:A1000 list 'Partners'!$A$2:$A$10000`, `B2:B1000 list 'Rivera''s campaigns'!$C$2:$C$10000`}
	if !reflect.DeepEqual(st.Validations, want) {
		t.Errorf("dropdowns %q, want %q", st.Validations, want)
	}
}
