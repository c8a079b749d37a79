package google

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"google.golang.org/api/googleapi"
	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

// A write's cells go straight from sheets.Cell to the JSON of the API's RowData, once. The
// generated client would build a CellData, an ExtendedValue and a CellFormat per cell (half
// a million cells at 10k partners) and encode them through a MarshalJSON per level, which
// was most of a write's CPU and memory. Here each cell's value is written by hand and its
// format is the JSON of the generated CellFormat that cellData gives, encoded once per kind
// of format (there are a few dozen) and reused: the bytes are those json.Marshal gives for
// the structs (TestEncodedRowsAreTheGeneratedClientsRows). Every other request of a write is
// a generated struct, and every body, the one that measures the batch included, is spliced
// from the rows' bytes (spliceBatch) and sent as it is (postBatch).

// rowBlock is the rows of one output tab's cell write, encoded: each RowData's JSON, in
// chunks of about blockChunk bytes (a row is never split), rows joined by commas within a
// chunk, so a run of rows is a few slices. Chunks rather than one buffer, so the block
// never grows by copying itself (19 MB at 10k partners).
type rowBlock struct {
	chunks [][]byte
	rows   []rowAt
}

// rowAt is where a row's JSON is: chunks[chunk][start:end]; width is its cell count.
type rowAt struct {
	chunk, start, end, width int32
}

const blockChunk = 1 << 20

// rowsView is rows [from, to) of a block: the rows of one updateCells request.
type rowsView struct {
	block    *rowBlock
	from, to int
}

func (v rowsView) len() int { return v.to - v.from }

// parts are the rows' JSON, comma-separated, without the brackets.
func (v rowsView) parts() [][]byte {
	var out [][]byte
	for i := v.from; i < v.to; {
		first := v.block.rows[i]
		j := i
		for j+1 < v.to && v.block.rows[j+1].chunk == first.chunk {
			j++
		}
		if len(out) > 0 {
			out = append(out, []byte(","))
		}
		out = append(out, v.block.chunks[first.chunk][first.start:v.block.rows[j].end])
		i = j + 1
	}
	return out
}

// size is the JSON bytes of the view's i-th row.
func (v rowsView) size(i int) int {
	r := v.block.rows[v.from+i]
	return int(r.end - r.start)
}

// width is the widest row's cell count, at least 1 (a grid has a column).
func (v rowsView) width() int64 {
	var n int64 = 1
	for _, r := range v.block.rows[v.from:v.to] {
		n = max(n, int64(r.width))
	}
	return n
}

func (v rowsView) sub(from, to int) rowsView {
	return rowsView{v.block, v.from + from, v.from + to}
}

// encodedRows holds the rows of each cell write of a batch, whose Rows field is left empty.
type encodedRows map[*sheetsapi.UpdateCellsRequest]rowsView

// formatKey is what decides a cell's userEnteredFormat (see cellData).
type formatKey struct {
	kind  sheets.Kind // Number and Date are aligned (and a date formatted); the rest alike
	timed bool        // a Date with a time of day
	bold  bool
	tone  sheets.Tone
	wrap  bool
}

// rowEncoder writes rows of cells as RowData JSON, remembering each format's JSON.
type rowEncoder struct {
	formats map[formatKey][]byte
}

func newRowEncoder() *rowEncoder { return &rowEncoder{formats: map[formatKey][]byte{}} }

// format is the JSON of the userEnteredFormat cellData gives c with these attributes, nil
// for none.
func (e *rowEncoder) format(c sheets.Cell, bold bool, tone sheets.Tone, wrap bool) ([]byte, error) {
	k := formatKey{bold: bold, tone: tone, wrap: wrap}
	switch c.Kind {
	case sheets.Number:
		k.kind = sheets.Number
	case sheets.Date:
		k.kind = sheets.Date
		k.timed = dateFormat(c).Type == "DATE_TIME"
	}
	if f, ok := e.formats[k]; ok {
		return f, nil
	}
	// Beyond the key, cellData's format depends on nothing but a date's time of day.
	sample := sheets.Cell{Kind: k.kind}
	if k.kind == sheets.Date {
		sample = c
	}
	var f []byte
	if d := cellData(sample, bold, tone, wrap); d.UserEnteredFormat != nil {
		var err error
		if f, err = json.Marshal(d.UserEnteredFormat); err != nil {
			return nil, err
		}
	}
	e.formats[k] = f
	return f, nil
}

// cell appends c as the JSON of the CellData cellData gives.
func (e *rowEncoder) cell(b []byte, c sheets.Cell, bold bool, tone sheets.Tone, wrap bool) ([]byte, error) {
	f, err := e.format(c, bold, tone, wrap)
	if err != nil {
		return b, err
	}
	hasValue := c.Kind == sheets.Number || c.Kind == sheets.Date || c.Kind == sheets.Bool ||
		(c.Kind == sheets.Text && c.Text != "")
	b = append(b, '{')
	if f != nil {
		b = append(b, `"userEnteredFormat":`...)
		b = append(b, f...)
		if hasValue {
			b = append(b, ',')
		}
	}
	if hasValue {
		b = append(b, `"userEnteredValue":{`...)
		switch c.Kind {
		case sheets.Text:
			// Always a stringValue, never parsed: "=IMPORTXML(...)" stays text.
			b = appendString(append(b, `"stringValue":`...), c.Text)
		case sheets.Bool:
			b = strconv.AppendBool(append(b, `"boolValue":`...), c.Bool)
		case sheets.Number:
			b, err = appendFloat(append(b, `"numberValue":`...), c.Num)
		case sheets.Date:
			b, err = appendFloat(append(b, `"numberValue":`...), c.Num)
		}
		if err != nil {
			return b, err
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// encodeTab encodes the rows of t's cell write: every cell of the grid's rows that carries
// a value or a format (the rows are those outputRows lays out), with highlighted cells
// beyond a row's end filled in blank.
func encodeTab(t sheets.Tab, rows int64) (*rowBlock, error) {
	return encodeTabIn(t, rows, blockChunk)
}

// encodeTabIn is encodeTab with chunks of about chunk bytes; tests make them small.
func encodeTabIn(t sheets.Tab, rows int64, chunk int) (*rowBlock, error) {
	bold := map[int]bool{}
	for _, r := range t.BoldRows {
		bold[r] = true
	}
	tone := map[[2]int]sheets.Tone{}
	reach := map[int]int{} // the cells a row needs for its highlights
	for _, h := range t.Highlights {
		tone[[2]int{h.Row, h.Col}] = h.Tone
		if h.Row >= 0 && h.Col >= 0 {
			reach[h.Row] = max(reach[h.Row], h.Col+1)
		}
	}
	toneAt := func(r, c int) sheets.Tone {
		if len(tone) == 0 {
			return ""
		}
		return tone[[2]int{r, c}]
	}
	wrap := map[int]bool{}
	for _, c := range t.WrapCols {
		wrap[c] = true
	}
	e := newRowEncoder()
	out := &rowBlock{rows: make([]rowAt, rows)}
	var b []byte
	var err error
	for r := range int(rows) {
		switch {
		case len(b) >= chunk || b == nil:
			if b != nil {
				out.chunks = append(out.chunks, b)
			}
			b = make([]byte, 0, chunk+chunk/8)
		default:
			b = append(b, ',')
		}
		at := rowAt{chunk: int32(len(out.chunks)), start: int32(len(b))}
		var cells []sheets.Cell
		if r < len(t.Rows) {
			cells = t.Rows[r]
		}
		width := max(len(cells), reach[r])
		if width == 0 {
			b = append(b, "{}"...)
		} else {
			b = append(b, `{"values":[`...)
			for c := range width {
				if c > 0 {
					b = append(b, ',')
				}
				var cell sheets.Cell
				if c < len(cells) {
					cell = cells[c]
				}
				// Google Sheets grows a row to fit its wrapped text by itself. The legend
				// (row 0) is left to run over the empty cells beside it.
				wrapped := c < len(cells) && wrap[c] && cell.Kind == sheets.Text && cell.Text != "" && !(t.Legend && r == 0)
				if b, err = e.cell(b, cell, bold[r], toneAt(r, c), wrapped); err != nil {
					return nil, fmt.Errorf("row %d, column %d: %w", r+1, c+1, err)
				}
			}
			b = append(b, "]}"...)
		}
		at.end, at.width = int32(len(b)), int32(width)
		out.rows[r] = at
	}
	if b != nil {
		out.chunks = append(out.chunks, b)
	}
	return out, nil
}

// appendString appends s as a JSON string the way encoding/json writes it: HTML-sensitive
// characters, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendFloat appends f as encoding/json writes a float64; NaN and infinities are refused,
// as there.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// batchBody is the JSON of a BatchUpdateSpreadsheetRequest in parts, the rows of cell
// writes among them as they were encoded: its size is known without joining them.
type batchBody struct {
	parts [][]byte
	n     int // bytes in all
}

func (b *batchBody) add(p []byte) {
	b.parts = append(b.parts, p)
	b.n += len(p)
}

// reader reads the parts in turn, without joining them.
func (b *batchBody) reader() io.Reader {
	rs := make([]io.Reader, len(b.parts))
	for i, p := range b.parts {
		rs[i] = bytes.NewReader(p)
	}
	return io.MultiReader(rs...)
}

// spliceBatch lays out the body of a batch holding reqs, the rows of cell writes spliced in
// from rows: "rows" comes last in its request, the rest is what json.Marshal gives.
// Requests whose rows are not in rows are encoded whole.
func spliceBatch(reqs []*sheetsapi.Request, rows encodedRows) (*batchBody, error) {
	b := &batchBody{}
	b.add([]byte(`{"requests":[`))
	for i, r := range reqs {
		if i > 0 {
			b.add([]byte(","))
		}
		one, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		var v rowsView
		if r.UpdateCells != nil {
			v = rows[r.UpdateCells]
		}
		if v.len() == 0 {
			b.add(one)
			continue
		}
		// one is {"updateCells":{...}}: open its inner object again to add the rows.
		one = bytes.TrimSuffix(one, []byte("}}"))
		b.add(one)
		if !bytes.HasSuffix(one, []byte("{")) {
			b.add([]byte(","))
		}
		b.add([]byte(`"rows":[`))
		for _, p := range v.parts() {
			b.add(p)
		}
		b.add([]byte(`]}}`))
	}
	b.add([]byte(`]}`))
	return b, nil
}

// postBatch sends one spreadsheets.batchUpdate with the body as it is, with retries: its
// parts are read in turn, never joined into one buffer.
func (s *Sheet) postBatch(ctx context.Context, body *batchBody) (attempts, error) {
	u := s.base + "v4/spreadsheets/" + url.PathEscape(s.id) + ":batchUpdate?" +
		url.Values{"alt": {"json"}, "prettyPrint": {"false"}}.Encode()
	_, st, err := call(ctx, s, "batchUpdate", func(ctx context.Context) (struct{}, int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, body.reader())
		if err != nil {
			return struct{}{}, 0, err
		}
		req.ContentLength = int64(body.n)
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(body.reader()), nil }
		req.Header.Set("Content-Type", "application/json")
		res, err := s.hc.Do(req)
		if err != nil {
			return struct{}{}, 0, err
		}
		defer func() { _ = res.Body.Close() }()
		if err := googleapi.CheckResponse(res); err != nil {
			return struct{}{}, 0, err
		}
		// The answer (the replies of the requests) is not needed, but a cut-off one means
		// the call may not have landed: read it whole, as the generated client would.
		var reply struct {
			SpreadsheetID string `json:"spreadsheetId"`
		}
		if err := json.NewDecoder(res.Body).Decode(&reply); err != nil {
			return struct{}{}, 0, fmt.Errorf("decode the answer: %w", err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		return struct{}{}, res.StatusCode, nil
	})
	return st, err
}
