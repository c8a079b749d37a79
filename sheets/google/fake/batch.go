package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	sheetsapi "google.golang.org/api/sheets/v4"
)

// handleBatchUpdate applies every request to a copy of the spreadsheet and commits the copy
// only when all succeed: one bad request fails the batch and nothing is applied.
func (s *Server) handleBatchUpdate(w *recorder, id string, body []byte) {
	var req struct {
		Requests []map[string]json.RawMessage `json:"requests"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeAPIError(w, http.StatusBadRequest, "Invalid JSON payload received. "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.books[id]
	if !ok {
		writeAPIError(w, http.StatusNotFound, "")
		return
	}
	work := b.clone()
	replies := make([]*sheetsapi.Response, 0, len(req.Requests))
	for i, r := range req.Requests {
		if len(r) != 1 {
			writeAPIError(w, http.StatusBadRequest, fmt.Sprintf("Invalid requests[%d]: exactly one kind of request must be set, found %d", i, len(r)))
			return
		}
		for kind, raw := range r {
			reply, err := s.apply(work, kind, raw)
			if err == nil {
				err = work.checkVisible()
			}
			if err == nil && work.cellCount() > maxCells {
				err = failf("This action would increase the number of cells in the workbook above the limit of %d cells.", maxCells)
			}
			if err != nil {
				writeAPIError(w, http.StatusBadRequest, fmt.Sprintf("Invalid requests[%d].%s: %v", i, kind, err))
				return
			}
			if reply == nil {
				reply = &sheetsapi.Response{}
			}
			replies = append(replies, reply)
		}
	}
	s.books[id] = work
	s.changed(id)
	writeJSON(w, &sheetsapi.BatchUpdateSpreadsheetResponse{SpreadsheetId: id, Replies: replies})
}

// apply runs one request against b (a working copy).
func (s *Server) apply(b *book, kind string, raw json.RawMessage) (*sheetsapi.Response, error) {
	decode := func(v any) error {
		if err := json.Unmarshal(raw, v); err != nil {
			return failf("invalid JSON: %v", err)
		}
		return nil
	}
	switch kind {
	case "addSheet":
		var r sheetsapi.AddSheetRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return s.addSheet(b, &r)
	case "deleteSheet":
		var r sheetsapi.DeleteSheetRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return nil, deleteSheet(b, &r)
	case "updateSheetProperties":
		var r sheetsapi.UpdateSheetPropertiesRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return nil, updateSheetProperties(b, &r)
	case "updateCells":
		var r sheetsapi.UpdateCellsRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return nil, updateCells(b, &r)
	case "repeatCell":
		var r sheetsapi.RepeatCellRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return nil, repeatCell(b, &r)
	case "updateDimensionProperties":
		var r sheetsapi.UpdateDimensionPropertiesRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return nil, updateDimensionProperties(b, &r)
	case "createDeveloperMetadata":
		var r sheetsapi.CreateDeveloperMetadataRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return s.createDeveloperMetadata(b, &r)
	case "addProtectedRange":
		var r sheetsapi.AddProtectedRangeRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return s.addProtectedRange(b, &r)
	case "setDataValidation":
		var r sheetsapi.SetDataValidationRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return nil, setDataValidation(b, &r)
	case "addChart":
		var r sheetsapi.AddChartRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return s.addChart(b, &r)
	case "updateChartSpec":
		var r sheetsapi.UpdateChartSpecRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return nil, updateChartSpec(b, &r)
	case "updateEmbeddedObjectPosition":
		var r sheetsapi.UpdateEmbeddedObjectPositionRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return nil, updateEmbeddedObjectPosition(b, &r)
	case "copyPaste":
		var r sheetsapi.CopyPasteRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return nil, copyPaste(b, &r)
	case "deleteEmbeddedObject":
		var r sheetsapi.DeleteEmbeddedObjectRequest
		if err := decode(&r); err != nil {
			return nil, err
		}
		return nil, deleteEmbeddedObject(b, &r)
	}
	return nil, failf("the fake does not implement %s", kind)
}

func (s *Server) addSheet(b *book, r *sheetsapi.AddSheetRequest) (*sheetsapi.Response, error) {
	p := &sheetsapi.SheetProperties{}
	if r.Properties != nil {
		*p = *r.Properties
	}
	if p.GridProperties == nil {
		p.GridProperties = &sheetsapi.GridProperties{}
	} else {
		gp := *p.GridProperties
		p.GridProperties = &gp
	}
	if p.GridProperties.RowCount == 0 {
		p.GridProperties.RowCount = defaultRows
	}
	if p.GridProperties.ColumnCount == 0 {
		p.GridProperties.ColumnCount = defaultCols
	}
	if p.Title == "" {
		for n := len(b.Tabs) + 1; ; n++ {
			if title := fmt.Sprintf("Sheet%d", n); b.tabByTitle(title) == nil {
				p.Title = title
				break
			}
		}
	}
	if b.tabByTitle(p.Title) != nil {
		return nil, failf("A sheet with the name \"%s\" already exists. Please enter another name.", p.Title)
	}
	if p.SheetId < 0 {
		return nil, failf("Invalid sheet id %d", p.SheetId)
	}
	if p.SheetId == 0 {
		for p.SheetId = s.nextID(); b.tabByID(p.SheetId) != nil; p.SheetId = s.nextID() {
		}
	} else if b.tabByID(p.SheetId) != nil {
		return nil, failf("Sheet with id %d already exists.", p.SheetId)
	}
	if err := checkFrozen(p.GridProperties); err != nil {
		return nil, err
	}
	p.SheetType = "GRID"
	p.Index = int64(len(b.Tabs))
	b.Tabs = append(b.Tabs, &tab{Props: p, ColWidths: map[int64]int64{}})
	return &sheetsapi.Response{AddSheet: &sheetsapi.AddSheetResponse{Properties: p}}, nil
}

func deleteSheet(b *book, r *sheetsapi.DeleteSheetRequest) error {
	for i, t := range b.Tabs {
		if t.Props.SheetId == r.SheetId {
			if len(b.Tabs) == 1 {
				return failf("You can't remove all the sheets in a document.")
			}
			b.Tabs = append(b.Tabs[:i:i], b.Tabs[i+1:]...)
			for j, t := range b.Tabs {
				t.Props.Index = int64(j)
			}
			return nil
		}
	}
	return failf("No grid with id: %d", r.SheetId)
}

// checkFrozen enforces the UI rule the API shares: frozen rows or columns cannot cover the
// whole grid.
func checkFrozen(gp *sheetsapi.GridProperties) error {
	if gp.FrozenRowCount >= gp.RowCount && gp.FrozenRowCount > 0 {
		return failf("You can't freeze all visible rows on the sheet.")
	}
	if gp.FrozenColumnCount >= gp.ColumnCount && gp.FrozenColumnCount > 0 {
		return failf("You can't freeze all visible columns on the sheet.")
	}
	return nil
}

func updateSheetProperties(b *book, r *sheetsapi.UpdateSheetPropertiesRequest) error {
	if r.Properties == nil {
		return failf("properties is required")
	}
	t := b.tabByID(r.Properties.SheetId)
	if t == nil {
		return failf("No grid with id: %d", r.Properties.SheetId)
	}
	if r.Fields == "" {
		return failf("At least one field must be updated, but 'fields' is empty.")
	}
	src := r.Properties.GridProperties
	if src == nil {
		src = &sheetsapi.GridProperties{}
	}
	gp := t.Props.GridProperties
	for _, f := range strings.Split(r.Fields, ",") {
		switch strings.TrimSpace(f) {
		case "title":
			if other := b.tabByTitle(r.Properties.Title); other != nil && other != t {
				return failf("A sheet with the name \"%s\" already exists. Please enter another name.", r.Properties.Title)
			}
			if r.Properties.Title == "" {
				return failf("title must not be empty")
			}
			t.Props.Title = r.Properties.Title
		case "hidden":
			t.Props.Hidden = r.Properties.Hidden
		case "gridProperties":
			gp.RowCount, gp.ColumnCount = src.RowCount, src.ColumnCount
			gp.FrozenRowCount, gp.FrozenColumnCount = src.FrozenRowCount, src.FrozenColumnCount
		case "gridProperties.rowCount":
			gp.RowCount = src.RowCount
		case "gridProperties.columnCount":
			gp.ColumnCount = src.ColumnCount
		case "gridProperties.frozenRowCount":
			gp.FrozenRowCount = src.FrozenRowCount
		case "gridProperties.frozenColumnCount":
			gp.FrozenColumnCount = src.FrozenColumnCount
		default:
			return failf("the fake does not implement field %q", f)
		}
	}
	if gp.RowCount < 1 || gp.ColumnCount < 1 {
		return failf("Invalid grid size: rowCount %d, columnCount %d", gp.RowCount, gp.ColumnCount)
	}
	if err := checkFrozen(gp); err != nil {
		return err
	}
	t.truncate()
	for c := range t.ColWidths {
		if c >= gp.ColumnCount {
			delete(t.ColWidths, c)
		}
	}
	return nil
}

// cellFields are the CellData fields updateCells and repeatCell can set.
var cellFields = map[string]bool{"userEnteredValue": true, "userEnteredFormat": true, "note": true,
	"dataValidation": true}

// parseCellFields splits a fields mask into top-level CellData fields ("*" = all of them).
func parseCellFields(mask string) (map[string]bool, error) {
	if strings.TrimSpace(mask) == "" {
		return nil, failf("At least one field must be updated, but 'fields' is empty.")
	}
	out := map[string]bool{}
	for _, f := range strings.Split(mask, ",") {
		f = strings.TrimSpace(f)
		if f == "*" {
			return cellFields, nil
		}
		if !cellFields[f] {
			return nil, failf("the fake does not implement cell field %q", f)
		}
		out[f] = true
	}
	return out, nil
}

// mergeCell writes the masked fields of src over dst (nil src fields clear).
func mergeCell(dst, src *sheetsapi.CellData, fields map[string]bool) *sheetsapi.CellData {
	out := &sheetsapi.CellData{}
	if dst != nil {
		*out = *dst
	}
	if src == nil {
		src = &sheetsapi.CellData{}
	}
	if fields["userEnteredValue"] {
		out.UserEnteredValue = src.UserEnteredValue
	}
	if fields["userEnteredFormat"] {
		out.UserEnteredFormat = src.UserEnteredFormat
	}
	if fields["note"] {
		out.Note = src.Note
	}
	if fields["dataValidation"] {
		out.DataValidation = src.DataValidation
	}
	if out.UserEnteredValue == nil && out.UserEnteredFormat == nil && out.Note == "" && out.DataValidation == nil {
		return nil
	}
	return out
}

// gridBounds checks a 0-based cell position against the grid with the real API's words.
func gridBounds(t *tab, row, col int64) error {
	if row >= t.rows() {
		return failf("Attempting to write row: %d, beyond the last requested row of: %d", row, t.rows()-1)
	}
	if col >= t.cols() {
		return failf("Attempting to write column: %d, beyond the last requested column of: %d", col, t.cols()-1)
	}
	return nil
}

// rangeRect resolves a GridRange to its tab and rectangle; unset ends mean the grid's edge.
func rangeRect(b *book, g *sheetsapi.GridRange) (*tab, rect, error) {
	if g == nil {
		return nil, rect{}, failf("range is required")
	}
	t := b.tabByID(g.SheetId)
	if t == nil {
		return nil, rect{}, failf("No grid with id: %d", g.SheetId)
	}
	r := rect{g.StartRowIndex, g.StartColumnIndex, g.EndRowIndex, g.EndColumnIndex}
	if r.r1 == 0 {
		r.r1 = t.rows()
	}
	if r.c1 == 0 {
		r.c1 = t.cols()
	}
	if r.r1 > t.rows() || r.c1 > t.cols() || r.r0 > r.r1 || r.c0 > r.c1 {
		return nil, rect{}, failf("Range (%s!%s%d:%s%d) exceeds grid limits. Max rows: %d, max columns: %d",
			quoteTitle(t.Props.Title), colName(r.c0), r.r0+1, colName(r.c1-1), r.r1, t.rows(), t.cols())
	}
	return t, r, nil
}

func updateCells(b *book, r *sheetsapi.UpdateCellsRequest) error {
	fields, err := parseCellFields(r.Fields)
	if err != nil {
		return err
	}
	var t *tab
	var area rect
	switch {
	case r.Range != nil && r.Start != nil:
		return failf("only one of range or start may be set")
	case r.Range != nil:
		if t, area, err = rangeRect(b, r.Range); err != nil {
			return err
		}
	case r.Start != nil:
		if t = b.tabByID(r.Start.SheetId); t == nil {
			return failf("No grid with id: %d", r.Start.SheetId)
		}
		// With start, only the cells given are written.
		area = rect{r.Start.RowIndex, r.Start.ColumnIndex, r.Start.RowIndex, r.Start.ColumnIndex}
	default:
		return failf("one of range or start must be set")
	}
	// Cells the rows do not cover but the range does are cleared (for the masked fields).
	for row := area.r0; row < area.r1 && row < int64(len(t.Cells)); row++ {
		for col := area.c0; col < area.c1 && col < int64(len(t.Cells[row])); col++ {
			t.Cells[row][col] = mergeCell(t.Cells[row][col], nil, fields)
		}
	}
	for i, rd := range r.Rows {
		row := area.r0 + int64(i)
		if rd == nil {
			continue
		}
		for j, cd := range rd.Values {
			col := area.c0 + int64(j)
			if err := gridBounds(t, row, col); err != nil {
				return err
			}
			t.setCell(row, col, mergeCell(t.cell(row, col), cd, fields))
		}
	}
	return nil
}

func repeatCell(b *book, r *sheetsapi.RepeatCellRequest) error {
	fields, err := parseCellFields(r.Fields)
	if err != nil {
		return err
	}
	t, area, err := rangeRect(b, r.Range)
	if err != nil {
		return err
	}
	for row := area.r0; row < area.r1; row++ {
		for col := area.c0; col < area.c1; col++ {
			t.setCell(row, col, mergeCell(t.cell(row, col), r.Cell, fields))
		}
	}
	return nil
}

func updateDimensionProperties(b *book, r *sheetsapi.UpdateDimensionPropertiesRequest) error {
	if r.Range == nil || r.Properties == nil {
		return failf("range and properties are required")
	}
	if r.Fields != "pixelSize" {
		return failf("the fake does not implement fields %q", r.Fields)
	}
	t := b.tabByID(r.Range.SheetId)
	if t == nil {
		return failf("No grid with id: %d", r.Range.SheetId)
	}
	limit := t.cols()
	if r.Range.Dimension == "ROWS" {
		limit = t.rows()
	} else if r.Range.Dimension != "COLUMNS" {
		return failf("dimension must be ROWS or COLUMNS")
	}
	end := r.Range.EndIndex
	if end == 0 {
		end = limit
	}
	if end > limit || r.Range.StartIndex >= end {
		return failf("Invalid dimension range [%d, %d) for a grid of %d", r.Range.StartIndex, end, limit)
	}
	if r.Range.Dimension == "COLUMNS" {
		for c := r.Range.StartIndex; c < end; c++ {
			t.ColWidths[c] = r.Properties.PixelSize
		}
	}
	return nil
}

func (s *Server) createDeveloperMetadata(b *book, r *sheetsapi.CreateDeveloperMetadataRequest) (*sheetsapi.Response, error) {
	m := r.DeveloperMetadata
	if m == nil || m.MetadataKey == "" {
		return nil, failf("developerMetadata.metadataKey is required")
	}
	if m.Visibility != "DOCUMENT" && m.Visibility != "PROJECT" {
		return nil, failf("developerMetadata.visibility must be DOCUMENT or PROJECT")
	}
	if m.Location == nil {
		return nil, failf("developerMetadata.location is required")
	}
	c := *m
	loc := *m.Location
	c.Location = &loc
	c.MetadataId = s.nextID()
	switch {
	case loc.Spreadsheet:
		loc.LocationType = "SPREADSHEET"
		b.Meta = append(b.Meta, &c)
	case loc.DimensionRange != nil:
		return nil, failf("the fake does not implement dimension-range metadata")
	default:
		t := b.tabByID(loc.SheetId)
		if t == nil {
			return nil, failf("No grid with id: %d", loc.SheetId)
		}
		loc.LocationType = "SHEET"
		t.Meta = append(t.Meta, &c)
	}
	return &sheetsapi.Response{CreateDeveloperMetadata: &sheetsapi.CreateDeveloperMetadataResponse{DeveloperMetadata: &c}}, nil
}

func (s *Server) addProtectedRange(b *book, r *sheetsapi.AddProtectedRangeRequest) (*sheetsapi.Response, error) {
	if r.ProtectedRange == nil {
		return nil, failf("protectedRange is required")
	}
	t, _, err := rangeRect(b, r.ProtectedRange.Range)
	if err != nil {
		return nil, err
	}
	p := *r.ProtectedRange
	p.ProtectedRangeId = s.nextID()
	p.RequestingUserCanEdit = true
	t.Protected = append(t.Protected, &p)
	return &sheetsapi.Response{AddProtectedRange: &sheetsapi.AddProtectedRangeResponse{ProtectedRange: &p}}, nil
}

func setDataValidation(b *book, r *sheetsapi.SetDataValidationRequest) error {
	t, area, err := rangeRect(b, r.Range)
	if err != nil {
		return err
	}
	if rule := r.Rule; rule != nil && (rule.Condition == nil || rule.Condition.Type == "") {
		return failf("rule.condition.type is required")
	}
	for row := area.r0; row < area.r1; row++ {
		for col := area.c0; col < area.c1; col++ {
			t.setCell(row, col, mergeCell(t.cell(row, col), &sheetsapi.CellData{DataValidation: r.Rule},
				map[string]bool{"dataValidation": true}))
		}
	}
	return nil
}

// chartByID finds a chart anywhere in the spreadsheet.
func (b *book) chartByID(id int64) (*tab, int) {
	for _, t := range b.Tabs {
		for i, c := range t.Charts {
			if c.ChartId == id {
				return t, i
			}
		}
	}
	return nil, -1
}

func (s *Server) addChart(b *book, r *sheetsapi.AddChartRequest) (*sheetsapi.Response, error) {
	if r.Chart == nil || r.Chart.Position == nil || r.Chart.Position.OverlayPosition == nil ||
		r.Chart.Position.OverlayPosition.AnchorCell == nil {
		return nil, failf("the fake only implements charts with an overlayPosition.anchorCell")
	}
	if err := checkChartSpec(r.Chart.Spec); err != nil {
		return nil, err
	}
	c := *r.Chart
	if c.ChartId == 0 {
		c.ChartId = s.nextID()
	} else if t, _ := b.chartByID(c.ChartId); t != nil {
		return nil, failf("An object with id %d already exists.", c.ChartId)
	}
	anchor := c.Position.OverlayPosition.AnchorCell
	t := b.tabByID(anchor.SheetId)
	if t == nil {
		return nil, failf("No grid with id: %d", anchor.SheetId)
	}
	if anchor.RowIndex >= t.rows() || anchor.ColumnIndex >= t.cols() {
		return nil, failf("The anchor cell is outside the grid: row %d, column %d", anchor.RowIndex, anchor.ColumnIndex)
	}
	t.Charts = append(t.Charts, &c)
	return &sheetsapi.Response{AddChart: &sheetsapi.AddChartResponse{Chart: &c}}, nil
}

func updateChartSpec(b *book, r *sheetsapi.UpdateChartSpecRequest) error {
	t, i := b.chartByID(r.ChartId)
	if t == nil {
		return failf("No chart with id: %d", r.ChartId)
	}
	if err := checkChartSpec(r.Spec); err != nil {
		return err
	}
	c := *t.Charts[i]
	c.Spec = r.Spec
	t.Charts[i] = &c
	return nil
}

// updateEmbeddedObjectPosition moves a chart to a new anchor cell, which must lie in the
// chart's own tab's grid; like the API, it needs a field mask.
func updateEmbeddedObjectPosition(b *book, r *sheetsapi.UpdateEmbeddedObjectPositionRequest) error {
	t, i := b.chartByID(r.ObjectId)
	if t == nil {
		return failf("No object with id: %d", r.ObjectId)
	}
	if r.Fields == "" {
		return failf("Invalid requests[0].updateEmbeddedObjectPosition: fields is required.")
	}
	p := r.NewPosition
	if p == nil || p.OverlayPosition == nil || p.OverlayPosition.AnchorCell == nil {
		return failf("the fake only implements moving a chart to an overlayPosition.anchorCell")
	}
	anchor := p.OverlayPosition.AnchorCell
	if anchor.SheetId != t.Props.SheetId {
		return failf("the fake does not move charts between tabs")
	}
	if anchor.RowIndex >= t.rows() || anchor.ColumnIndex >= t.cols() {
		return failf("The anchor cell is outside the grid: row %d, column %d", anchor.RowIndex, anchor.ColumnIndex)
	}
	c := *t.Charts[i]
	c.Position = p
	t.Charts[i] = &c
	return nil
}

func deleteEmbeddedObject(b *book, r *sheetsapi.DeleteEmbeddedObjectRequest) error {
	t, i := b.chartByID(r.ObjectId)
	if t == nil {
		return failf("No object with id: %d", r.ObjectId)
	}
	t.Charts = append(t.Charts[:i:i], t.Charts[i+1:]...)
	return nil
}

// basicChartTypes are the values the API accepts for BasicChartSpec.chartType.
var basicChartTypes = map[string]bool{"BAR": true, "LINE": true, "AREA": true, "COLUMN": true,
	"SCATTER": true, "COMBO": true, "STEPPED_AREA": true}

// checkChartSpec refuses what the real API refuses in a basic chart: an unknown chart
// type, and a chart with no domain or no series.
func checkChartSpec(spec *sheetsapi.ChartSpec) error {
	if spec == nil || spec.BasicChart == nil {
		return failf("the fake only implements basic charts")
	}
	b := spec.BasicChart
	if !basicChartTypes[b.ChartType] {
		return failf("Invalid value at 'requests[0].add_chart.chart.spec.basic_chart.chart_type' (type.googleapis.com/google.apps.sheets.v4.BasicChartType), %q", b.ChartType)
	}
	if len(b.Domains) == 0 || len(b.Series) == 0 {
		return failf("Invalid requests[0].addChart: a %s chart needs a domain and at least one series.", b.ChartType)
	}
	return nil
}

// failf builds an error worded as the real API words it (capitalised, full stops), which
// is why it is not fmt.Errorf at each site.
func failf(format string, args ...any) error { return fmt.Errorf(format, args...) }
