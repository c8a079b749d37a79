package google

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"google.golang.org/api/googleapi"
	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

// The one read of a sync is decoded as it arrives, straight into cells, instead of through
// the generated client: that client decodes the whole answer into its typed structs first
// (a struct and several pointers per cell, output tabs included), which at 10k partners was
// a third of a sync's CPU and most of its 1.4 GiB. Here the tabs the sync did not ask for
// (its own output tabs) are skipped unread, and memory holds the cells and one row of JSON.

// sheetRead is what the one read learnt: every tab's layout, the wanted tabs' rows, the zone.
type sheetRead struct {
	timeZone string
	lay      *layout
	tables   map[string][][]sheets.Cell // by title, only the wanted tabs
}

// getStreamed runs spreadsheets.get with the field mask and decodes the answer as it streams.
func (s *Sheet) getStreamed(ctx context.Context, fields string, want func(title string) bool) (*sheetRead, error) {
	rd, _, err := call(ctx, s, "get", func(ctx context.Context) (*sheetRead, int, error) {
		u := s.base + "v4/spreadsheets/" + url.PathEscape(s.id) + "?" +
			url.Values{"fields": {fields}, "alt": {"json"}, "prettyPrint": {"false"}}.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, 0, err
		}
		res, err := s.hc.Do(req)
		if err != nil {
			return nil, 0, err
		}
		defer func() { _ = res.Body.Close() }()
		if err := googleapi.CheckResponse(res); err != nil {
			return nil, 0, err
		}
		rd, err := decodeSpreadsheet(res.Body, want)
		if err != nil {
			return nil, 0, fmt.Errorf("decode the answer: %w", err)
		}
		return rd, res.StatusCode, nil
	})
	if err != nil {
		return nil, s.explain("read", err)
	}
	return rd, nil
}

// decodeSpreadsheet reads a Spreadsheet resource: properties.timeZone and each sheet's
// properties, markers, protections, charts and (for wanted tabs) grid data.
func decodeSpreadsheet(r io.Reader, want func(title string) bool) (*sheetRead, error) {
	dec := json.NewDecoder(r)
	rd := &sheetRead{lay: &layout{}, tables: map[string][][]sheets.Cell{}}
	err := object(dec, func(key string) error {
		switch key {
		case "properties":
			var p struct {
				TimeZone string `json:"timeZone"`
			}
			if err := dec.Decode(&p); err != nil {
				return err
			}
			rd.timeZone = p.TimeZone
			return nil
		case "sheets":
			return array(dec, func() error { return decodeSheet(dec, rd, want) })
		}
		return skip(dec)
	})
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// decodeSheet reads one Sheet resource into the layout, and its rows when the tab is wanted.
func decodeSheet(dec *json.Decoder, rd *sheetRead, want func(title string) bool) error {
	var (
		sh     sheetsapi.Sheet // everything but the grid data: small
		rows   [][]sheets.Cell
		early  []*sheetsapi.GridData // data that came before the properties (not the API's order)
		titled bool
	)
	err := object(dec, func(key string) error {
		switch key {
		case "properties":
			titled = true
			return dec.Decode(&sh.Properties)
		case "developerMetadata":
			return dec.Decode(&sh.DeveloperMetadata)
		case "protectedRanges":
			return dec.Decode(&sh.ProtectedRanges)
		case "charts":
			return dec.Decode(&sh.Charts)
		case "data":
			if !titled {
				return dec.Decode(&early)
			}
			if sh.Properties == nil || !want(sh.Properties.Title) {
				return skip(dec)
			}
			var err error
			rows, err = decodeGrids(dec)
			return err
		}
		return skip(dec)
	})
	if err != nil {
		return err
	}
	lay := layoutOf(&sheetsapi.Spreadsheet{Sheets: []*sheetsapi.Sheet{&sh}})
	t := lay.tabs[0]
	rd.lay.tabs = append(rd.lay.tabs, t)
	if want(t.title) {
		if early != nil {
			rows = decodeRows(early)
		}
		if _, dup := rd.tables[t.title]; !dup {
			rd.tables[t.title] = rows
		}
	}
	return nil
}

// rowJSON and cellJSON are the parts of RowData and CellData the read asks for.
type rowJSON struct {
	Values []cellJSON `json:"values"`
}

type cellJSON struct {
	EffectiveValue *struct {
		StringValue *string  `json:"stringValue"`
		NumberValue *float64 `json:"numberValue"`
		BoolValue   *bool    `json:"boolValue"`
		ErrorValue  *struct {
			Type string `json:"type"`
		} `json:"errorValue"`
	} `json:"effectiveValue"`
	EffectiveFormat *struct {
		NumberFormat *struct {
			Type string `json:"type"`
		} `json:"numberFormat"`
	} `json:"effectiveFormat"`
}

func (c *cellJSON) cell() sheets.Cell {
	v := c.EffectiveValue
	if v == nil {
		return sheets.Cell{}
	}
	var format string
	if f := c.EffectiveFormat; f != nil && f.NumberFormat != nil {
		format = f.NumberFormat.Type
	}
	var errType *string
	if v.ErrorValue != nil {
		errType = &v.ErrorValue.Type
	}
	return effectiveCell(v.StringValue, v.BoolValue, v.NumberValue, errType, format)
}

// decodeGrids reads a sheet's GridData list row by row into typed rows, as decodeRows does
// with the generated structs: ragged, placed by startRow/startColumn, no trailing blank rows.
func decodeGrids(dec *json.Decoder) ([][]sheets.Cell, error) {
	var rows [][]sheets.Cell
	err := array(dec, func() error {
		var startRow, startCol int
		var grid [][]sheets.Cell
		err := object(dec, func(key string) error {
			switch key {
			case "startRow":
				return dec.Decode(&startRow)
			case "startColumn":
				return dec.Decode(&startCol)
			case "rowData":
				var raw json.RawMessage
				return array(dec, func() error {
					if err := dec.Decode(&raw); err != nil {
						return err
					}
					cells, err := parseRow(raw)
					grid = append(grid, cells)
					return err
				})
			}
			return skip(dec)
		})
		if err != nil {
			return err
		}
		for i, cells := range grid {
			r := startRow + i
			for len(rows) <= r {
				rows = append(rows, nil)
			}
			for j, c := range cells {
				if c.IsBlank() {
					continue
				}
				col := startCol + j
				if len(rows[r]) <= col {
					rows[r] = append(rows[r], make([]sheets.Cell, col+1-len(rows[r]))...)
				}
				rows[r][col] = c
			}
		}
		return nil
	})
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows, err
}

// rowCells converts a row's cells, trimmed of trailing blanks; nil for a blank row.
func rowCells(values []cellJSON) []sheets.Cell {
	n := len(values)
	for n > 0 && values[n-1].cell().IsBlank() {
		n--
	}
	if n == 0 {
		return nil
	}
	out := make([]sheets.Cell, n)
	for i := range out {
		out[i] = values[i].cell()
	}
	return out
}

// object reads a JSON object, calling field for each key with the decoder at its value,
// which field must consume.
func object(dec *json.Decoder, field func(key string) error) error {
	if err := delim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("expected a key, got %v", tok)
		}
		if err := field(key); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return delim(dec, '}')
}

// array reads a JSON array, calling elem with the decoder at each element. null is empty.
func array(dec *json.Decoder, elem func() error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("expected an array, got %v", tok)
	}
	for dec.More() {
		if err := elem(); err != nil {
			return err
		}
	}
	return delim(dec, ']')
}

func delim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %v, got %v", want, tok)
	}
	return nil
}

// skip consumes one value without keeping it.
func skip(dec *json.Decoder) error {
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return err
	}
	return nil
}
