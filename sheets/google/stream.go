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
	// sums are the hashes of the wanted tabs' grid data as the answer spelt it (sections.go),
	// same the tabs left unparsed because every known one was byte for byte as known.
	sums map[string]string
	same []string
	pool chunkPool
}

// getStreamed runs spreadsheets.get with the field mask and decodes the answer as it streams;
// known (may be nil) are the sections a tab may be found unchanged against.
func (s *Sheet) getStreamed(ctx context.Context, fields string, want func(title string) bool, known map[string]string) (*sheetRead, error) {
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
		rd, err := decodeKnowing(res.Body, want, known)
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
	return decodeKnowing(r, want, nil)
}

// decodeKnowing is decodeSpreadsheet, also hashing each wanted tab's grid data as the answer
// spells it; a tab with a known hash is kept unparsed, and parsed only if some known tab's
// data is not byte for byte as known (sections.go).
func decodeKnowing(r io.Reader, want func(title string) bool, known map[string]string) (*sheetRead, error) {
	p := newParser(r)
	rd := &sheetRead{lay: &layout{}, tables: map[string][][]sheets.Cell{}, sums: map[string]string{}}
	held := map[string]*heldSection{}
	err := p.object(func(key []byte) error {
		switch string(key) {
		case "properties":
			var props struct {
				TimeZone string `json:"timeZone"`
			}
			if err := p.decode(&props); err != nil {
				return fmt.Errorf("properties: %w", err)
			}
			rd.timeZone = props.TimeZone
			return nil
		case "sheets":
			return p.array(func() error { return decodeSheet(p, rd, want, known, held) })
		}
		return p.skip()
	})
	if err == nil {
		err = p.end()
	}
	if err == nil {
		err = rd.settle(held, known)
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// decode reads the next value into v with encoding/json: the small parts of the answer,
// into the generated client's types.
func (p *parser) decode(v any) error {
	raw, err := p.raw()
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// decodeSheet reads one Sheet resource into the layout, and its rows when the tab is wanted.
// The API sends a sheet's properties before its data, but another server (or a field order
// of its own) may not: data met before the title is parsed all the same and dropped after
// if the tab is not wanted.
func decodeSheet(p *parser, rd *sheetRead, want func(title string) bool, known map[string]string, held map[string]*heldSection) error {
	var (
		sh     sheetsapi.Sheet // everything but the grid data: small
		rows   [][]sheets.Cell
		titled bool
		kept   *heldSection // the grid data as sent, not parsed yet
		sum    string       // the grid data's hash; "" when there was none
	)
	parse := func() error {
		var err error
		rows, err = decodeGrids(p)
		return err
	}
	err := p.object(func(key []byte) error {
		name := string(key) // key is gone once the value is read
		var err error
		switch name {
		case "properties":
			titled = true
			err = p.decode(&sh.Properties)
		case "developerMetadata":
			err = p.decode(&sh.DeveloperMetadata)
		case "protectedRanges":
			err = p.decode(&sh.ProtectedRanges)
		case "charts":
			err = p.decode(&sh.Charts)
		case "data":
			if titled && (sh.Properties == nil || !want(sh.Properties.Title)) {
				return p.skipGrid() // an output tab's cells: most of an unchanged answer
			}
			kept.release()
			rows, kept = nil, nil
			switch {
			case titled && known[sh.Properties.Title] == "", !titled && len(known) == 0:
				// Nothing to compare it with: parsed (and hashed) as it comes.
				sum, err = p.tapped(nil, parse)
			default:
				// Known, or not yet titled while some tabs are known: kept unparsed until
				// the title, then the whole answer, says whether it is needed.
				kept = rd.pool.held()
				sum, err = p.tapped(kept, p.skipGrid)
			}
		default:
			return p.skip()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
	if err != nil {
		kept.release()
		return err
	}
	lay := layoutOf(&sheetsapi.Spreadsheet{Sheets: []*sheetsapi.Sheet{&sh}})
	t := lay.tabs[0]
	rd.lay.tabs = append(rd.lay.tabs, t)
	_, dup := rd.tables[t.title]
	_, dupHeld := held[t.title]
	if !want(t.title) || dup || dupHeld {
		kept.release()
		return nil
	}
	if sum != "" {
		rd.sums[t.title] = sum
	}
	switch {
	case kept == nil:
		rd.tables[t.title] = rows
	case known[t.title] != "":
		held[t.title] = kept // parsed, or not, once the whole answer is in
	default:
		// Kept before its title was known, and not a known tab: parsed now.
		if rows, err = kept.parse(); err != nil {
			return fmt.Errorf("data of %q: %w", t.title, err)
		}
		rd.tables[t.title] = rows
	}
	return nil
}

// decodeGrids reads a sheet's GridData list row by row into typed rows, as decodeRows does
// with the generated structs: ragged, placed by startRow/startColumn, no trailing blank rows.
func decodeGrids(p *parser) ([][]sheets.Cell, error) {
	var rows [][]sheets.Cell
	err := p.array(func() error {
		var startRow, startCol int
		var grid [][]sheets.Cell
		err := p.object(func(key []byte) error {
			name := string(key) // key is gone once the value is read
			var err error
			switch name {
			case "startRow":
				startRow, err = p.integer()
			case "startColumn":
				startCol, err = p.integer()
			case "rowData":
				grid = grid[:0]
				err = p.array(func() error {
					cells, err := p.cells()
					grid = append(grid, cells)
					return err
				})
			default:
				return p.skip()
			}
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if rows == nil && startRow == 0 && startCol == 0 {
			rows = grid // the usual case: one block from A1, taken as parsed
			return nil
		}
		if n := startRow + len(grid); n > len(rows) {
			rows = append(rows, make([][]sheets.Cell, n-len(rows))...)
		}
		for i, cells := range grid {
			r := startRow + i
			if len(rows[r]) == 0 && startCol == 0 {
				rows[r] = cells
				continue
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
