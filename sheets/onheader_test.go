package sheets_test

import (
	"reflect"
	"testing"

	"github.com/partnermap/partnermap/sheets"
)

func TestOnHeaderFollowsTheColumnsWhereTheyAre(t *testing.T) {
	tmpl := sheets.InputTab{
		Name:   "Partners",
		Header: []string{"Name", "Stance", "Stage", "Status"},
		Notes:  []string{"who", "where they stand", "", "active?"},
		Validations: []sheets.Validation{
			{Col: 1, Values: []string{"Opposes", "Supports"}},
			{Col: 2, Values: []string{"Prospect", "Met"}},
			{Col: 3, Values: []string{"Active", "Inactive"}},
		},
		Rows:   [][]sheets.Cell{{sheets.TextCell("example")}},
		Widths: []float64{20, 12, 12, 12},
	}
	// Moved, recased and spaced, one column missing, one added, and a repeated header.
	header := []string{"Our notes", "STANCE", "name", "", " status ", "Stance"}
	got := tmpl.OnHeader(header)
	want := sheets.InputTab{
		Name:   "Partners",
		Header: header,
		Notes:  []string{"", "where they stand", "who", "", "active?", ""},
		Validations: []sheets.Validation{
			{Col: 1, Values: []string{"Opposes", "Supports"}},
			{Col: 4, Values: []string{"Active", "Inactive"}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OnHeader:\n got %+v\nwant %+v", got, want)
	}
}

func TestOnHeaderOfAnEmptyHeaderRowAddsNothing(t *testing.T) {
	tmpl := sheets.InputTab{Name: "Members", Header: []string{"Role"}, Notes: []string{"n"},
		Validations: []sheets.Validation{{Col: 0, Values: []string{"Leader"}}}}
	got := tmpl.OnHeader(nil)
	if len(got.Notes) != 0 || len(got.Validations) != 0 {
		t.Errorf("OnHeader(nil) = %+v, want no notes and no dropdowns", got)
	}
}
