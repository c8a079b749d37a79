package google_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/google/fake"
)

// helpTabs are the templates AddValidation lays onto the seeded tabs.
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
			Name:        "Team's meetings",
			Header:      []string{"Date", "Partner", "Done"},
			Notes:       []string{"", "who we met", ""},
			Validations: []sheets.Validation{{Col: 2, Values: []string{"yes", "no"}}},
		},
		{Name: "Members", Header: []string{"Name", "Role"}, Notes: []string{"a member", ""},
			Validations: []sheets.Validation{{Col: 1, Values: []string{"Leader", "Member"}}}},
		{Name: "Assets", Header: []string{"Member"}, Notes: []string{"who"}},
	}
}

// seedHelp makes Partners with a volunteer's note on Name and a volunteer's dropdown on
// Stance; a meetings tab (its title needs quoting in a range) with its columns in another
// order than the template; and a managed tab named Members. There is no Assets tab.
func seedHelp(t *testing.T) (*google.Sheet, *fake.Server) {
	s, f := newFakeSheet(t, nil)
	tx := sheets.TextCell
	f.AddInputTabs(sheetID, []sheets.InputTab{{
		Name:        "Partners",
		Header:      []string{"Name", "Stance", "Influence", "Notes"},
		Notes:       []string{"the volunteer's own note"},
		Validations: []sheets.Validation{{Col: 1, Values: []string{"For", "Against"}}},
		Rows: [][]sheets.Cell{
			{tx("Eastside Tenants Union"), tx("For"), sheets.IntCell(4), tx(`=IMPORTXML("http://x", "//a")`)},
			{tx("Parks Coalition"), tx("Against"), sheets.NumberCell(2.5)},
		},
	}})
	f.AddTab(sheetID, "Team's meetings", [][]sheets.Cell{
		{tx("Partner"), tx("Done"), tx("Date")},
		{tx("Parks Coalition"), sheets.BoolCell(true), sheets.DateCell(time.Date(2026, 1, 5, 18, 30, 0, 0, time.UTC))},
		{tx("Eastside Tenants Union"), sheets.BoolCell(false), sheets.DateCell(time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC))},
	})
	f.AddTab(sheetID, "Members", [][]sheets.Cell{{tx("Name"), tx("Role")}})
	f.AddMetadata(sheetID, "Members", google.MarkerKey, "true")
	return s, f
}

// valuesOf is every stored cell's value and format, as JSON, so any change shows.
func valuesOf(t *testing.T, f *fake.Server, title string) []string {
	t.Helper()
	sh := mustSheet(t, f, title)
	var out []string
	for r, rd := range sh.Data[0].RowData {
		for c, d := range rd.Values {
			if d.UserEnteredValue == nil && d.UserEnteredFormat == nil {
				continue // an empty cell, perhaps with a dropdown or a note now
			}
			b, err := json.Marshal(struct {
				V *sheetsapi.ExtendedValue
				F *sheetsapi.CellFormat
			}{d.UserEnteredValue, d.UserEnteredFormat})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, sheets.ColumnName(c)+strconv.Itoa(r+1)+" "+string(b))
		}
	}
	return out
}

func listOf(d *sheetsapi.CellData) []string {
	if d == nil || d.DataValidation == nil || d.DataValidation.Condition == nil {
		return nil
	}
	var out []string
	for _, v := range d.DataValidation.Condition.Values {
		out = append(out, v.UserEnteredValue)
	}
	return out
}

func TestAddValidationAddsHelpAndChangesNoValue(t *testing.T) {
	s, f := seedHelp(t)
	titles := []string{"Partners", "Team's meetings", "Members"}
	before := map[string][]string{}
	for _, title := range titles {
		before[title] = valuesOf(t, f, title)
	}
	f.ResetCalls()
	changed, err := s.AddValidation(context.Background(), helpTabs())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Partners", "Team's meetings"}; !slices.Equal(changed, want) {
		t.Errorf("changed %v, want %v (Members is managed, Assets missing)", changed, want)
	}
	for _, title := range titles {
		if after := valuesOf(t, f, title); !reflect.DeepEqual(after, before[title]) {
			t.Errorf("%s: values or formats changed:\nbefore %q\nafter  %q", title, before[title], after)
		}
	}

	batches := f.CallsOf(fake.KindBatchUpdate)
	if len(batches) != 1 {
		t.Fatalf("%d batchUpdates, want 1", len(batches))
	}
	for _, r := range writeRequests(t, batches[0]) {
		for kind, body := range r {
			var uc sheetsapi.UpdateCellsRequest
			switch kind {
			case "setDataValidation":
			case "updateCells":
				if err := json.Unmarshal(body, &uc); err != nil || uc.Fields != "note" {
					t.Errorf("updateCells with fields %q (%v), want only note", uc.Fields, err)
				}
			default:
				t.Errorf("request %s, want only notes and dropdowns", kind)
			}
		}
	}

	p := mustSheet(t, f, "Partners")
	m := mustSheet(t, f, "Team's meetings")
	rows := m.Properties.GridProperties.RowCount
	checks := []struct {
		name      string
		got, want any
	}{
		{"a volunteer's note stays", cellAt(p, 0, 0).Note, "the volunteer's own note"},
		{"a header without a note gets one", cellAt(p, 0, 1).Note, "where they stand"},
		{"the next header too", cellAt(p, 0, 2).Note, "1–5: influence"},
		{"an unknown column gets no note", cellAt(p, 0, 3).Note, ""},
		{"a volunteer's dropdown stays", listOf(cellAt(p, 2, 1)), []string{"For", "Against"}},
		{"the moved column gets its note", cellAt(m, 0, 0).Note, "who we met"},
		{"Done gets its dropdown where it is", listOf(cellAt(m, 1, 1)), []string{"yes", "no"}},
		{"down to the last row of the grid", listOf(cellAt(m, int(rows)-1, 1)), []string{"yes", "no"}},
		{"not on the header", listOf(cellAt(m, 0, 1)), []string(nil)},
		{"not on other columns", listOf(cellAt(m, 1, 2)), []string(nil)},
		{"the managed tab is untouched", cellAt(mustSheet(t, f, "Members"), 0, 0).Note, ""},
		{"no tab is created", f.Titles(sheetID), []string{"Partners", "Team's meetings", "Members"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}

	// Everything is there now: a second run reads and writes nothing.
	f.ResetCalls()
	changed, err = s.AddValidation(context.Background(), helpTabs())
	if err != nil || len(changed) != 0 {
		t.Errorf("second run changed %v (%v), want nothing", changed, err)
	}
	if n := len(f.CallsOf(fake.KindBatchUpdate)); n != 0 {
		t.Errorf("second run sent %d batchUpdates", n)
	}
}

func TestAddValidationWithNothingToMatchSendsNoWrite(t *testing.T) {
	s, f := newFakeSheet(t, inputs)
	f.ResetCalls()
	changed, err := s.AddValidation(context.Background(), []sheets.InputTab{
		{Name: "Partners", Header: []string{"Stance"}, Notes: []string{"n"}, Validations: []sheets.Validation{{Col: 0, Values: []string{"a"}}}},
		{Name: "Nowhere", Header: []string{"Name"}, Notes: []string{"n"}},
	})
	if err != nil || len(changed) != 0 {
		t.Errorf("changed %v (%v), want nothing", changed, err)
	}
	if n := len(f.CallsOf(fake.KindBatchUpdate)); n != 0 {
		t.Errorf("%d batchUpdates, want none", n)
	}
}

func TestAListDropdownNamesTheOtherTabsColumn(t *testing.T) {
	s, f := newFakeSheet(t, nil)
	f.AddTab(sheetID, "Partners", [][]sheets.Cell{{sheets.TextCell("Type"), sheets.TextCell("Organization")}})
	f.AddTab(sheetID, "Stances", [][]sheets.Cell{{sheets.TextCell("Partner")}, {sheets.TextCell("Eastside Tenants Union")}})
	tab := sheets.InputTab{Name: "Stances", Header: []string{"Partner"},
		Validations: []sheets.Validation{{Col: 0, ListTab: "Partners", ListHeader: "Name", ListCol: 1}}}
	changed, err := s.AddValidation(context.Background(), []sheets.InputTab{tab})
	if err != nil || !slices.Equal(changed, []string{"Stances"}) {
		t.Fatalf("AddValidation = %v, %v", changed, err)
	}
	d := mustSheet(t, f, "Stances").Data[0].RowData[1].Values[0]
	if d.DataValidation == nil || d.DataValidation.Condition.Type != "ONE_OF_RANGE" ||
		!slices.Equal(listOf(d), []string{"='Partners'!B2:B"}) {
		t.Errorf("dropdown %+v %v, want the range of Partners' column B", d.DataValidation, listOf(d))
	}
}
