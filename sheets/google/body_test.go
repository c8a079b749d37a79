package google

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

// TestSplicedBatchIsTheEncodedBatch checks the body a write sends, spliced from rows encoded
// once, says what json.Marshal of the batch says, in as many bytes (the staged write's plan
// counts on the sizes).
func TestSplicedBatchIsTheEncodedBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 17))
	for i := range 200 {
		var tabs []sheets.Tab
		for k := range 1 + r.IntN(3) {
			tab := sheets.Tab{Name: fmt.Sprintf("Out %d", k), FrozenRows: r.IntN(2), BoldRows: []int{0}}
			for range r.IntN(20) {
				var row []sheets.Cell
				for range r.IntN(6) {
					switch r.IntN(4) {
					case 0:
						row = append(row, sheets.TextCell(fmt.Sprintf("<Partner> & \"%d\" é", r.IntN(99))))
					case 1:
						row = append(row, sheets.NumberCell(float64(r.IntN(1000))/8))
					case 2:
						row = append(row, sheets.BoolCell(r.IntN(2) == 0))
					default:
						row = append(row, sheets.Cell{})
					}
				}
				tab.Rows = append(tab.Rows, row)
			}
			tabs = append(tabs, tab)
		}
		var reqs []*sheetsapi.Request
		for k, tab := range tabs {
			reqs = append(reqs, outputRequests(tab, int64(10+k), nil)...)
		}
		// A cell write with no rows, and one with rows not encoded beforehand.
		reqs = append(reqs, &sheetsapi.Request{UpdateCells: &sheetsapi.UpdateCellsRequest{Fields: writeFields, Range: gridRange(3)}})
		rows, err := encodeRows(reqs[:len(reqs)/2])
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeBatch(reqs, rows)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(&sheetsapi.BatchUpdateSpreadsheetRequest{Requests: reqs})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("case %d: %d bytes spliced, %d encoded", i, len(got), len(want))
		}
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("case %d: the spliced body is not JSON: %v\n%s", i, err, got)
		}
		if err := json.Unmarshal(want, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("case %d: spliced\n%s\nencoded\n%s", i, got, want)
		}
	}
}
