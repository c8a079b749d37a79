package google

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"google.golang.org/api/googleapi"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// A write's cells are encoded to JSON once. The generated client encodes a batch itself when
// it sends it, through a MarshalJSON per struct level, and a write used to encode its batch
// three times: once to measure it, once per row to plan a staged write, once to send. Now
// each row is encoded once (encodeRows), and every body, the one that measures the batch
// included, is spliced from those bytes (encodeBatch) and sent as it is (postBatch).

// encodedRows holds the JSON of each row of the batch's cell writes, by row.
type encodedRows map[*sheetsapi.RowData][]byte

// encodeRows encodes every row of every cell write in reqs.
func encodeRows(reqs []*sheetsapi.Request) (encodedRows, error) {
	rows := encodedRows{}
	for _, r := range reqs {
		if r.UpdateCells == nil {
			continue
		}
		for _, row := range r.UpdateCells.Rows {
			if _, ok := rows[row]; ok {
				continue
			}
			b, err := json.Marshal(row)
			if err != nil {
				return nil, fmt.Errorf("encode a row: %w", err)
			}
			rows[row] = b
		}
	}
	return rows, nil
}

// encodeBatch is the JSON of a BatchUpdateSpreadsheetRequest holding reqs, with the rows of
// cell writes copied from rows (rows missing there are encoded now): the same bytes in
// length as json.Marshal gives, with "rows" moved to the end of its request.
func encodeBatch(reqs []*sheetsapi.Request, rows encodedRows) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"requests":[`)
	for i, r := range reqs {
		if i > 0 {
			b.WriteByte(',')
		}
		u := r.UpdateCells
		if u == nil || len(u.Rows) == 0 {
			one, err := json.Marshal(r)
			if err != nil {
				return nil, err
			}
			b.Write(one)
			continue
		}
		bare := *u
		bare.Rows = nil
		one, err := json.Marshal(&sheetsapi.Request{UpdateCells: &bare})
		if err != nil {
			return nil, err
		}
		// one is {"updateCells":{...}}: open its inner object again to add the rows.
		one = bytes.TrimSuffix(one, []byte("}}"))
		b.Write(one)
		if !bytes.HasSuffix(one, []byte("{")) {
			b.WriteByte(',')
		}
		b.WriteString(`"rows":[`)
		for j, row := range u.Rows {
			if j > 0 {
				b.WriteByte(',')
			}
			enc, ok := rows[row]
			if !ok {
				if enc, err = json.Marshal(row); err != nil {
					return nil, err
				}
			}
			b.Write(enc)
		}
		b.WriteString(`]}}`)
	}
	b.WriteString(`]}`)
	return b.Bytes(), nil
}

// postBatch sends one spreadsheets.batchUpdate with the body as it is, with retries.
func (s *Sheet) postBatch(ctx context.Context, body []byte) (attempts, error) {
	u := s.base + "v4/spreadsheets/" + url.PathEscape(s.id) + ":batchUpdate?" +
		url.Values{"alt": {"json"}, "prettyPrint": {"false"}}.Encode()
	_, st, err := call(ctx, s, "batchUpdate", func(ctx context.Context) (struct{}, int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
		if err != nil {
			return struct{}{}, 0, err
		}
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
