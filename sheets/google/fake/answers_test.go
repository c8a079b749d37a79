package fake_test

import (
	"testing"

	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

// TestAKeptAnswerFollowsEveryChange: the fake keeps the answer to a get of an unchanged
// spreadsheet, and a change through the API or the seeding methods shows in the next get.
func TestAKeptAnswerFollowsEveryChange(t *testing.T) {
	f, srv := setup(t)
	value := func() string {
		t.Helper()
		ss, err := srv.Spreadsheets.Get(id).Fields("sheets(properties(title),data(rowData(values(effectiveValue))))").Do()
		if err != nil {
			t.Fatal(err)
		}
		v := ss.Sheets[0].Data[0].RowData[1].Values[0].EffectiveValue
		return ss.Sheets[0].Properties.Title + "/" + *v.StringValue
	}
	if got := value(); got != "Partners/Parks" {
		t.Fatalf("first get: %s", got)
	}
	if got := value(); got != "Partners/Parks" {
		t.Fatalf("the same get again: %s", got)
	}
	f.SetCell(id, "Partners", 1, 0, sheets.TextCell("Library"))
	if got := value(); got != "Partners/Library" {
		t.Errorf("after SetCell: %s, want Partners/Library", got)
	}
	_, err := srv.Spreadsheets.BatchUpdate(id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: []*sheetsapi.Request{{
		UpdateSheetProperties: &sheetsapi.UpdateSheetPropertiesRequest{
			Properties: &sheetsapi.SheetProperties{SheetId: 0, Title: "Allies"}, Fields: "title"},
	}}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if got := value(); got != "Allies/Library" {
		t.Errorf("after a batchUpdate: %s, want Allies/Library", got)
	}
}
