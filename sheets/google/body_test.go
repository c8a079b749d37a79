package google

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

// structRows is how a write's rows were built before they were encoded by hand: the
// generated client's RowData and CellData, cell by cell (cellData). It is the reference the
// hand encoder is held to.
func structRows(t sheets.Tab, rows int64) []*sheetsapi.RowData {
	bold := map[int]bool{}
	for _, r := range t.BoldRows {
		bold[r] = true
	}
	tone := map[[2]int]sheets.Tone{}
	for _, h := range t.Highlights {
		tone[[2]int{h.Row, h.Col}] = h.Tone
	}
	wrap := map[int]bool{}
	for _, c := range t.WrapCols {
		wrap[c] = true
	}
	out := make([]*sheetsapi.RowData, rows)
	for r := range out {
		rd := &sheetsapi.RowData{}
		if r < len(t.Rows) {
			for c, cell := range t.Rows[r] {
				wrapped := wrap[c] && cell.Kind == sheets.Text && cell.Text != "" && !(t.Legend && r == 0)
				rd.Values = append(rd.Values, cellData(cell, bold[r], tone[[2]int{r, c}], wrapped))
			}
		}
		out[r] = rd
	}
	for _, h := range t.Highlights {
		if h.Row < 0 || h.Col < 0 {
			continue
		}
		rd := out[h.Row]
		for len(rd.Values) <= h.Col {
			rd.Values = append(rd.Values, cellData(sheets.Cell{}, bold[h.Row], tone[[2]int{h.Row, len(rd.Values)}], false))
		}
	}
	return out
}

// texts a volunteer or a render may put in a cell: formula-like text (which must stay
// literal), HTML-sensitive characters, control characters, line and paragraph separators,
// scripts, emoji, invalid UTF-8, quotes and backslashes.
var texts = []string{
	"=IMPORTXML(\"http://x\", \"//a\")", "+1 555", "-2", "@mention", "=1+1", "'quoted",
	"<b>Partner</b> & \"Co\"", "tab\there", "line\nbreak\r\n", "bell\a\x00\x1f", "a\u2028b\u2029c",
	"é ü 日本 عربى 🏳️‍🌈", "bad \xff\xfe utf8", "back\\slash", "Partner 12", " ", "Q1 Engage",
	strings.Repeat("long text that wraps ", 8),
}

var numbers = []float64{0, 1, -1, 0.5, 66, 1e-7, 1.5e-300, 1e21, 123456789012345678901234.0, -3.25e-9,
	math.MaxFloat64, math.SmallestNonzeroFloat64, 0.1 + 0.2, 46000.75}

func randomCellValue(r *rand.Rand) sheets.Cell {
	switch r.IntN(7) {
	case 0:
		return sheets.Cell{}
	case 1, 2:
		return sheets.TextCell(texts[r.IntN(len(texts))])
	case 3:
		return sheets.NumberCell(numbers[r.IntN(len(numbers))])
	case 4:
		return sheets.NumberCell(float64(r.IntN(100000)) / 8)
	case 5:
		d := time.Date(1899+r.IntN(300), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		if r.IntN(2) == 0 {
			d = d.Add(time.Duration(r.IntN(86400)) * time.Second)
		}
		return sheets.DateCell(d)
	}
	return sheets.BoolCell(r.IntN(2) == 0)
}

var allTones = []sheets.Tone{"", sheets.ToneAlert, sheets.ToneWarn, sheets.ToneGood, sheets.ToneInfo, sheets.ToneMuted, "no such tone"}

// randomTab is an output tab with every kind of cell and format: bold rows, highlights
// (some beyond their row's end or the rows), wrapped columns, a legend, a chart whose anchor
// lies beyond the rows (empty rows follow the cells), ragged and empty rows.
func randomTab(r *rand.Rand, name string) sheets.Tab {
	tab := sheets.Tab{Name: name, FrozenRows: r.IntN(3), Legend: r.IntN(2) == 0}
	for range r.IntN(25) {
		var row []sheets.Cell
		for range r.IntN(9) {
			row = append(row, randomCellValue(r))
		}
		tab.Rows = append(tab.Rows, row)
	}
	for range r.IntN(4) {
		tab.BoldRows = append(tab.BoldRows, r.IntN(30))
	}
	for range r.IntN(12) {
		tab.Highlights = append(tab.Highlights, sheets.Highlight{Row: r.IntN(30) - 1, Col: r.IntN(12) - 1, Tone: allTones[r.IntN(len(allTones))]})
	}
	for range r.IntN(3) {
		tab.WrapCols = append(tab.WrapCols, r.IntN(8))
	}
	if r.IntN(3) == 0 {
		tab.Chart = &sheets.Chart{AnchorRow: r.IntN(40), AnchorCol: r.IntN(12),
			Series: []sheets.Series{{XCol: 1, YCol: 2, LabelCol: 0, FirstRow: 1, LastRow: 3}}}
	}
	return tab
}

// TestEncodedRowsAreTheGeneratedClientsRows holds the hand encoder to the generated client:
// every row's bytes are json.Marshal's of the RowData the struct path builds, and decode,
// with the generated types, to exactly that RowData. Text stays a literal stringValue.
func TestEncodedRowsAreTheGeneratedClientsRows(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 29))
	for i := range 500 {
		tab := randomTab(r, fmt.Sprintf("Out %d", i))
		nrows, _ := gridSize(tab)
		// Chunks of every size, down to one row each.
		block, err := encodeTabIn(tab, nrows, []int{1, 50, 300, 2000, blockChunk}[i%5])
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want := structRows(tab, nrows)
		// What the API reads from the struct path's JSON: its texts with invalid UTF-8
		// replaced, as encoding/json sends them; the rest exactly as built.
		received := structRows(asReceived(tab), nrows)
		v := rowsView{block: block, to: len(block.rows)}
		if v.len() != len(want) {
			t.Fatalf("case %d: %d rows encoded, want %d", i, v.len(), len(want))
		}
		for j, rd := range want {
			got := v.sub(j, j+1).json()
			exp, err := json.Marshal(rd)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, exp) {
				t.Fatalf("case %d row %d:\n got %s\nwant %s", i, j, got, exp)
			}
			var back sheetsapi.RowData
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("case %d row %d: %v\n%s", i, j, err, got)
			}
			if !reflect.DeepEqual(&back, received[j]) {
				t.Fatalf("case %d row %d decodes to\n%s\nwant\n%s", i, j, dump(&back), dump(received[j]))
			}
			if v.size(j) != len(exp) || v.sub(j, j+1).width() != int64(max(1, len(rd.Values))) {
				t.Fatalf("case %d row %d: size %d width %d, want %d and %d", i, j, v.size(j), v.sub(j, j+1).width(), len(exp), len(rd.Values))
			}
			for c, cd := range back.Values {
				if j >= len(tab.Rows) || c >= len(tab.Rows[j]) || tab.Rows[j][c].Kind != sheets.Text || tab.Rows[j][c].Text == "" {
					continue
				}
				text := received[j].Values[c].UserEnteredValue.StringValue
				uv := cd.UserEnteredValue
				if uv == nil || uv.StringValue == nil || uv.FormulaValue != nil || *uv.StringValue != *text {
					t.Fatalf("case %d row %d col %d: %q not written as literal text: %#v", i, j, c, *text, uv)
				}
			}
		}
		// Joined, any run of the rows is one JSON array.
		for range 5 {
			from := r.IntN(v.len() + 1)
			to := from + r.IntN(v.len()-from+1)
			var run []*sheetsapi.RowData
			if err := json.Unmarshal(append(append([]byte("["), v.sub(from, to).json()...), ']'), &run); err != nil ||
				!reflect.DeepEqual(run, received[from:to]) && to > from {
				t.Fatalf("case %d: rows %d to %d joined do not decode as those rows: %v", i, from, to, err)
			}
		}
	}
}

// bytes joins the body's parts, as they are sent.
func (b *batchBody) bytes() []byte {
	out, err := io.ReadAll(b.reader())
	if err != nil {
		panic(err)
	}
	return out
}

// json is the view's rows joined, as a body carries them.
func (v rowsView) json() []byte { return bytes.Join(v.parts(), nil) }

// asReceived is tab with each text as a JSON decoder reads it back from encoding/json.
func asReceived(tab sheets.Tab) sheets.Tab {
	out := tab
	out.Rows = make([][]sheets.Cell, len(tab.Rows))
	for r, row := range tab.Rows {
		out.Rows[r] = append([]sheets.Cell(nil), row...)
		for c, cell := range row {
			if cell.Kind == sheets.Text {
				b, _ := json.Marshal(cell.Text)
				_ = json.Unmarshal(b, &out.Rows[r][c].Text)
			}
		}
	}
	return out
}

func dump(v any) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}

// TestEncodedRowsRefuseNaN: a number JSON cannot hold fails the write, as json.Marshal does.
func TestEncodedRowsRefuseNaN(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		tab := sheets.Tab{Name: "Out", Rows: [][]sheets.Cell{{sheets.NumberCell(f)}}}
		if _, err := encodeTab(tab, 1); err == nil {
			t.Errorf("%v encoded without an error", f)
		}
	}
}

// TestSplicedBatchIsTheEncodedBatch checks the body a write sends, spliced from rows encoded
// once, says what json.Marshal of the batch of generated structs says, in as many bytes (the
// staged write's plan counts on the sizes).
func TestSplicedBatchIsTheEncodedBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 17))
	for i := range 200 {
		rows := encodedRows{}
		var reqs, ref []*sheetsapi.Request
		for k := range 1 + r.IntN(3) {
			tab := randomTab(r, fmt.Sprintf("Out %d", k))
			var ex *tabLayout
			if r.IntN(2) == 0 {
				ex = &tabLayout{id: int64(10 + k), title: tab.Name, rows: 5, cols: 3, charts: []int64{chartID(int64(10+k), 0), 99}}
			}
			more, err := outputRequests(tab, int64(10+k), ex, rows)
			if err != nil {
				t.Fatal(err)
			}
			reqs = append(reqs, more...)
			// The reference: the same requests with the struct rows in them.
			for _, q := range more {
				if u := q.UpdateCells; u != nil {
					full := *u
					nrows, _ := gridSize(tab)
					full.Rows = structRows(tab, nrows)
					q = &sheetsapi.Request{UpdateCells: &full}
				}
				ref = append(ref, q)
			}
		}
		// A cell write with no rows, and one whose rows are generated structs (init's kind).
		empty := &sheetsapi.Request{UpdateCells: &sheetsapi.UpdateCellsRequest{Fields: writeFields, Range: gridRange(3)}}
		notes := &sheetsapi.Request{UpdateCells: &sheetsapi.UpdateCellsRequest{Fields: "note", Range: gridRange(4),
			Rows: []*sheetsapi.RowData{{Values: []*sheetsapi.CellData{{Note: "a <note>\n"}}}}}}
		reqs, ref = append(reqs, empty, notes), append(ref, empty, notes)
		parts, err := spliceBatch(reqs, rows)
		if err != nil {
			t.Fatal(err)
		}
		got := parts.bytes()
		want, err := json.Marshal(&sheetsapi.BatchUpdateSpreadsheetRequest{Requests: ref})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || parts.n != len(got) {
			t.Fatalf("case %d: %d bytes spliced (%d counted), %d encoded", i, len(got), parts.n, len(want))
		}
		var a, b sheetsapi.BatchUpdateSpreadsheetRequest
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
