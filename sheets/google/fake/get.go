package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	sheetsapi "google.golang.org/api/sheets/v4"
)

// rect is a 0-based, end-exclusive cell rectangle; -1 ends are unbounded (the grid's edge).
type rect struct{ r0, c0, r1, c1 int64 }

// clip bounds the rectangle by a tab's grid.
func (r rect) clip(t *tab) rect {
	if r.r1 < 0 || r.r1 > t.rows() {
		r.r1 = t.rows()
	}
	if r.c1 < 0 || r.c1 > t.cols() {
		r.c1 = t.cols()
	}
	return r
}

// rangeRef is a parsed A1 range: a tab (or the first tab when sheet is "") and cells.
type rangeRef struct {
	sheet string
	cells rect
}

// parseA1 parses "Tab", "Tab!A1:C5", "'My tab'!A:B", "Tab!2:5" or "A1:B2" (first tab).
func parseA1(s string) (rangeRef, error) {
	all := rect{0, 0, -1, -1}
	if strings.HasPrefix(s, "'") {
		var name strings.Builder
		i := 1
		for ; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					name.WriteByte('\'')
					i++
					continue
				}
				break
			}
			name.WriteByte(s[i])
		}
		if i >= len(s) {
			return rangeRef{}, fmt.Errorf("unterminated quote")
		}
		rest := s[i+1:]
		if rest == "" {
			return rangeRef{sheet: name.String(), cells: all}, nil
		}
		cells, ok := strings.CutPrefix(rest, "!")
		if !ok {
			return rangeRef{}, fmt.Errorf("expected ! after sheet name")
		}
		r, err := parseCells(cells)
		return rangeRef{sheet: name.String(), cells: r}, err
	}
	if name, cells, ok := strings.Cut(s, "!"); ok {
		r, err := parseCells(cells)
		return rangeRef{sheet: name, cells: r}, err
	}
	if r, err := parseCells(s); err == nil {
		return rangeRef{cells: r}, nil
	}
	return rangeRef{sheet: s, cells: all}, nil
}

// parseCells parses "A1", "A1:C5", "A:C", "2:5" or "A2:C".
func parseCells(s string) (rect, error) {
	from, to, isRange := strings.Cut(s, ":")
	r0, c0, err := parseRef(from)
	if err != nil {
		return rect{}, err
	}
	if !isRange {
		if r0 < 0 || c0 < 0 {
			return rect{}, fmt.Errorf("bad cell %q", s)
		}
		return rect{r0, c0, r0 + 1, c0 + 1}, nil
	}
	r1, c1, err := parseRef(to)
	if err != nil {
		return rect{}, err
	}
	out := rect{max(r0, 0), max(c0, 0), -1, -1}
	if r1 >= 0 {
		out.r1 = r1 + 1
	}
	if c1 >= 0 {
		out.c1 = c1 + 1
	}
	return out, nil
}

// parseRef parses "B3", "B" or "3" into a 0-based row and column; -1 means not given.
func parseRef(s string) (row, col int64, err error) {
	i := 0
	col = -1
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' || i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
		ch := s[i] &^ 0x20
		if col < 0 {
			col = 0
		}
		col = col*26 + int64(ch-'A'+1)
		i++
	}
	if col > 0 {
		col--
	}
	row = -1
	if i < len(s) {
		n, perr := strconv.ParseInt(s[i:], 10, 64)
		if perr != nil || n < 1 {
			return 0, 0, fmt.Errorf("bad cell reference %q", s)
		}
		row = n - 1
	}
	if row < 0 && col < 0 {
		return 0, 0, fmt.Errorf("empty cell reference")
	}
	return row, col, nil
}

// colName renders a 0-based column index as letters (0 → A, 26 → AA).
func colName(c int64) string {
	var b []byte
	for c >= 0 {
		b = append([]byte{byte('A' + c%26)}, b...)
		c = c/26 - 1
	}
	return string(b)
}

// resolve finds the tab a range names; the real API fails the whole call for an unknown tab.
func (b *book) resolve(ref rangeRef, raw string) (*tab, error) {
	if ref.sheet == "" {
		if len(b.Tabs) == 0 {
			return nil, failf("Unable to parse range: %s", raw)
		}
		return b.Tabs[0], nil
	}
	t := b.tabByTitle(ref.sheet)
	if t == nil {
		return nil, failf("Unable to parse range: %s", raw)
	}
	return t, nil
}

// responseCell is how a stored cell reads back: effective value and format mirror the
// user-entered ones (the fake does not evaluate formulas).
func responseCell(d *sheetsapi.CellData) *sheetsapi.CellData {
	if d == nil {
		return &sheetsapi.CellData{}
	}
	out := &sheetsapi.CellData{
		UserEnteredValue:  d.UserEnteredValue,
		UserEnteredFormat: d.UserEnteredFormat,
		EffectiveFormat:   d.UserEnteredFormat,
		Note:              d.Note,
		DataValidation:    d.DataValidation,
	}
	if v := d.UserEnteredValue; v != nil {
		if v.FormulaValue != nil {
			out.EffectiveValue = &sheetsapi.ExtendedValue{ErrorValue: &sheetsapi.ErrorValue{
				Type: "ERROR", Message: "the fake does not evaluate formulas"}}
		} else {
			out.EffectiveValue = v
			out.FormattedValue = TypedCell(d).String()
		}
	}
	return out
}

// gridData renders the cells of r as the API does: ragged rows, no trailing empty rows,
// rowData missing altogether when the range is empty.
func gridData(t *tab, r rect) *sheetsapi.GridData {
	r = r.clip(t)
	gd := &sheetsapi.GridData{StartRow: r.r0, StartColumn: r.c0}
	for c := r.c0; c < r.c1; c++ {
		gd.ColumnMetadata = append(gd.ColumnMetadata, &sheetsapi.DimensionProperties{PixelSize: t.ColWidths[c]})
	}
	lastRow := -1
	for row := r.r0; row < r.r1 && row < int64(len(t.Cells)); row++ {
		rd := &sheetsapi.RowData{}
		last := int64(-1)
		for c := r.c0; c < r.c1; c++ {
			if t.cell(row, c) != nil {
				last = c
			}
		}
		for c := r.c0; c <= last; c++ {
			rd.Values = append(rd.Values, responseCell(t.cell(row, c)))
		}
		gd.RowData = append(gd.RowData, rd)
		if last >= 0 {
			lastRow = len(gd.RowData) - 1
		}
	}
	gd.RowData = gd.RowData[:lastRow+1]
	return gd
}

func (s *Server) handleGet(w *recorder, r *http.Request, id string) {
	mask := r.URL.Query().Get("fields")
	raw, version, ok := s.encodeGet(w, r, id, mask)
	if !ok || raw == nil {
		return
	}
	// Pruned outside the lock, from the encoded copy: the pruning is most of a get, and
	// under the lock it made a fleet's concurrent reads take turns on one core.
	writeMasked(w, raw, mask)
	s.keep(id, r.URL.RawQuery, version, w)
}

// encodeGet encodes the answer to a get before the mask prunes it, under the server's lock,
// with the spreadsheet's version; a nil answer means it answered already (a kept answer),
// false that it answered an error.
func (s *Server) encodeGet(w *recorder, r *http.Request, id, mask string) ([]byte, int64, bool) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	kept, version := s.keptAnswer(id, r.URL.RawQuery)
	if kept != nil {
		for k, v := range kept.header {
			w.Header()[k] = v
		}
		w.WriteHeader(kept.status)
		_, _ = w.Write(kept.body)
		return nil, version, true
	}
	b, ok := s.books[id]
	if !ok {
		writeAPIError(w, http.StatusNotFound, "")
		return nil, 0, false
	}
	withData := mask != "" || q.Get("includeGridData") == "true"
	// Cells carry only what the mask asks for, as the real API's do; building whole cells
	// (dropdown rules on every row of an input tab) and pruning them after was most of a get.
	var keep map[string]*maskNode
	if tree, err := parseMask(mask); mask != "" && err == nil {
		data := tree.path("sheets", "data")
		withData = data != nil
		if cells := data.path("rowData", "values"); cells != nil {
			keep = cells.children
		}
	}

	// With ranges, only the tabs they touch come back, each with the data of its ranges.
	type pick struct {
		t     *tab
		rects []rect
	}
	var picks []*pick
	if ranges := q["ranges"]; len(ranges) > 0 {
		byTab := map[*tab]*pick{}
		for _, raw := range ranges {
			ref, err := parseA1(raw)
			if err != nil {
				writeAPIError(w, http.StatusBadRequest, "Unable to parse range: "+raw)
				return nil, 0, false
			}
			t, err := b.resolve(ref, raw)
			if err != nil {
				writeAPIError(w, http.StatusBadRequest, err.Error())
				return nil, 0, false
			}
			p := byTab[t]
			if p == nil {
				p = &pick{t: t}
				byTab[t] = p
			}
			p.rects = append(p.rects, ref.cells)
		}
		for _, t := range b.Tabs {
			if p := byTab[t]; p != nil {
				picks = append(picks, p)
			}
		}
	} else {
		for _, t := range b.Tabs {
			picks = append(picks, &pick{t: t, rects: []rect{{0, 0, -1, -1}}})
		}
	}

	ss := &sheetsapi.Spreadsheet{
		SpreadsheetId:     b.ID,
		SpreadsheetUrl:    "https://docs.google.com/spreadsheets/d/" + b.ID + "/edit",
		Properties:        &sheetsapi.SpreadsheetProperties{Title: b.Title, TimeZone: b.TimeZone, Locale: "en_US", AutoRecalc: "ON_CHANGE"},
		DeveloperMetadata: b.Meta,
	}
	for _, p := range picks {
		sh := &sheetsapi.Sheet{Properties: p.t.Props, DeveloperMetadata: p.t.Meta,
			ProtectedRanges: p.t.Protected, Charts: p.t.Charts}
		if withData {
			for _, rc := range p.rects {
				gd := gridData(p.t, rc)
				trimCells(gd, keep)
				sh.Data = append(sh.Data, gd)
			}
		}
		ss.Sheets = append(ss.Sheets, sh)
	}
	raw, err := json.Marshal(ss)
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, "fake: encode answer: "+err.Error())
		return nil, 0, false
	}
	return raw, version, true
}

// trimCells drops the cell fields a mask leaves out; nil keep (or "*") keeps them all.
func trimCells(gd *sheetsapi.GridData, keep map[string]*maskNode) {
	if keep == nil || keep["*"] != nil {
		return
	}
	last := -1
	for i, rd := range gd.RowData {
		for _, d := range rd.Values {
			*d = sheetsapi.CellData{
				UserEnteredValue:  pick(keep, "userEnteredValue", d.UserEnteredValue),
				EffectiveValue:    pick(keep, "effectiveValue", d.EffectiveValue),
				FormattedValue:    pick(keep, "formattedValue", d.FormattedValue),
				UserEnteredFormat: pick(keep, "userEnteredFormat", d.UserEnteredFormat),
				EffectiveFormat:   pick(keep, "effectiveFormat", d.EffectiveFormat),
				Note:              pick(keep, "note", d.Note),
				DataValidation:    pick(keep, "dataValidation", d.DataValidation),
			}
		}
		// Like the API, cells and rows left empty at the end are not sent.
		n := len(rd.Values)
		for n > 0 && emptyCell(rd.Values[n-1]) {
			n--
		}
		rd.Values = rd.Values[:n]
		if n > 0 {
			last = i
		}
	}
	gd.RowData = gd.RowData[:last+1]
}

func emptyCell(d *sheetsapi.CellData) bool {
	return d.UserEnteredValue == nil && d.EffectiveValue == nil && d.FormattedValue == "" &&
		d.UserEnteredFormat == nil && d.EffectiveFormat == nil && d.Note == "" && d.DataValidation == nil
}

func pick[T any](keep map[string]*maskNode, name string, v T) T {
	if _, ok := keep[name]; ok {
		return v
	}
	var zero T
	return zero
}

// writeMasked answers raw, an encoded answer, keeping only the fields the mask names ("" keeps all).
func writeMasked(w *recorder, raw []byte, mask string) {
	if mask == "" || mask == "*" {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(raw)
		return
	}
	tree, err := parseMask(mask)
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, fmt.Sprintf("Invalid field selection %s: %v", mask, err))
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		writeAPIError(w, http.StatusInternalServerError, "fake: decode answer: "+err.Error())
		return
	}
	writeJSON(w, tree.prune(generic))
}

func (s *Server) handleValuesGet(w *recorder, r *http.Request, id string) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.books[id]
	if !ok {
		writeAPIError(w, http.StatusNotFound, "")
		return
	}
	render := q.Get("valueRenderOption")
	type valueRange struct {
		Range          string  `json:"range"`
		MajorDimension string  `json:"majorDimension"`
		Values         [][]any `json:"values,omitempty"`
	}
	out := struct {
		SpreadsheetID string       `json:"spreadsheetId"`
		ValueRanges   []valueRange `json:"valueRanges"`
	}{SpreadsheetID: b.ID}
	for _, raw := range q["ranges"] {
		ref, err := parseA1(raw)
		if err != nil {
			writeAPIError(w, http.StatusBadRequest, "Unable to parse range: "+raw)
			return
		}
		t, err := b.resolve(ref, raw)
		if err != nil {
			writeAPIError(w, http.StatusBadRequest, err.Error())
			return
		}
		rc := ref.cells.clip(t)
		vr := valueRange{MajorDimension: "ROWS",
			Range: fmt.Sprintf("%s!%s%d:%s%d", quoteTitle(t.Props.Title), colName(rc.c0), rc.r0+1, colName(rc.c1-1), rc.r1)}
		gd := gridData(t, rc)
		for _, rd := range gd.RowData {
			var row []any
			for _, d := range rd.Values {
				row = append(row, renderValue(d, render))
			}
			vr.Values = append(vr.Values, row)
		}
		out.ValueRanges = append(out.ValueRanges, vr)
	}
	writeJSON(w, out)
}

// renderValue renders a cell for values:batchGet under a valueRenderOption.
func renderValue(d *sheetsapi.CellData, render string) any {
	v := d.UserEnteredValue
	if v == nil {
		return ""
	}
	switch render {
	case "UNFORMATTED_VALUE":
		switch {
		case v.NumberValue != nil:
			return *v.NumberValue
		case v.BoolValue != nil:
			return *v.BoolValue
		case v.StringValue != nil:
			return *v.StringValue
		}
	case "FORMULA":
		if v.FormulaValue != nil {
			return *v.FormulaValue
		}
	}
	return d.FormattedValue
}
