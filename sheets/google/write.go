package google

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"slices"
	"strings"

	"google.golang.org/api/googleapi"
	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

// writeFields are the cell fields an output write replaces: every cell of the tab loses
// whatever the new rows do not say, so a tab is replaced whole (stale notes and dropdowns of
// an adopted tab included).
const writeFields = "userEnteredValue,userEnteredFormat,note,dataValidation"

// protectionNote explains the warning a person sees when editing a managed tab.
const protectionNote = "Written by partnermap: edits here are replaced on the next sync. Edit the input tabs instead."

// Default widths of Google Sheets, in pixels.
const (
	defaultColumnPixels = 100
	pixelsPerChar       = 7 // one character of the default 10pt Arial
	columnPaddingPixels = 5
)

// tones maps each highlight meaning to its fill colour.
var tones = map[sheets.Tone]string{
	sheets.ToneAlert: "#F4C7C3",
	sheets.ToneWarn:  "#FCE8B2",
	sheets.ToneGood:  "#B7E1CD",
	sheets.ToneInfo:  "#C9DAF8",
	sheets.ToneMuted: "#E7E6E6",
}

// Write replaces the given output tabs in one all-or-nothing batchUpdate, or, when that
// would be over stageBodyBytes, in a staged write whose visible changes are all made by its
// final batchUpdate (writeStaged). It refuses, before any call, a tab whose name is taken by
// a tab without partnermap's marker unless adopt names it; adopting adds the marker.
func (s *Sheet) Write(ctx context.Context, snap *sheets.Snapshot, tabs []sheets.Tab, adopt []string) error {
	return s.write(ctx, snap, tabs, adopt, stageBodyBytes)
}

// write is Write staging any batch over stageAbove bytes; tests lower it.
func (s *Sheet) write(ctx context.Context, snap *sheets.Snapshot, tabs []sheets.Tab, adopt []string, stageAbove int) error {
	if snap == nil {
		return fmt.Errorf("write %s: no snapshot: Read first", s.Describe())
	}
	lay, ok := s.recall(snap)
	if !ok {
		return fmt.Errorf("write %s: the snapshot was not read from this source", s.Describe())
	}
	seen := map[string]bool{}
	for _, t := range tabs {
		key := strings.ToLower(t.Name)
		if strings.TrimSpace(t.Name) == "" {
			return fmt.Errorf("write %s: an output tab has no name", s.Describe())
		}
		if seen[key] {
			return fmt.Errorf("write %s: output tab %q is listed twice", s.Describe(), t.Name)
		}
		seen[key] = true
		if ex, found := lay.find(t.Name); found && !ex.managed && !contains(adopt, t.Name) {
			return &sheets.UnmanagedTabError{Tab: ex.title}
		}
	}
	if len(tabs) == 0 {
		return nil
	}

	ids := newIDs(lay)
	var reqs []*sheetsapi.Request
	rows := encodedRows{}
	created := map[string]int64{}
	for _, t := range tabs {
		ex, found := lay.find(t.Name)
		var exp *tabLayout
		id := ex.id
		if found {
			exp = &ex
		} else {
			id = ids.pick(t.Name)
			created[t.Name] = id
		}
		more, err := outputRequests(t, id, exp, rows)
		if err != nil {
			return fmt.Errorf("write %s: output tab %q: %w", s.Describe(), t.Name, err)
		}
		reqs = append(reqs, more...)
	}

	// The one batch, with the staging tabs of an earlier failed staged write deleted, is
	// measured from its parts, and sent as those parts when it is not staged.
	direct := slices.Concat(reqs, dropStaging(lay, reqs))
	body, err := spliceBatch(direct, rows)
	if err != nil {
		return fmt.Errorf("write %s: encode the batch: %w", s.Describe(), err)
	}
	if body.n > warnBodyBytes {
		s.log.Warn().Int("bytes", body.n).Msg("large write to Google Sheets; it may be slow")
	}
	if body.n > stageAbove {
		return s.writeStaged(ctx, lay, ids, reqs, created, body.n, stageAbove, rows)
	}
	st, err := s.postBatch(ctx, body)
	if err == nil {
		s.log.Debug().Int("tabs", len(tabs)).Int("created", len(created)).Int("requests", len(direct)).Msg("wrote output tabs")
		return nil
	}
	if st.ambiguous && len(created) > 0 && refused(err) {
		// An earlier attempt's answer was lost but it may have landed; the retry then trips
		// over the tabs it created. The batch is atomic, so our chosen ids with our marker
		// prove it did.
		if landed, verr := s.landed(ctx, nil, created); verr == nil && landed {
			s.log.Info().Msg("an earlier write attempt had landed although its answer was lost")
			return nil
		}
		return fmt.Errorf("write %s: an earlier attempt may have been applied although its answer was lost; "+
			"the next sync will see: %w", s.Describe(), err)
	}
	return s.explain("write", err)
}

func contains(list []string, name string) bool {
	for _, n := range list {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// warnBodyBytes: the API refuses bodies over 10 MiB and gets slow well before that.
const warnBodyBytes = 2 << 20

// refused reports a 400: after a lost answer, the refusal of an addSheet whose title or id
// the landed attempt took. Any 400 counts, because the answer carrying the reason may itself
// have been cut short; landed then decides.
func refused(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusBadRequest
}

// landed checks, with one read, that a call landed: every tab the call was to create exists
// with the id chosen for it and the marker, and every tab in gone (the staging tabs the
// final call of a staged write deletes, and only it does) is gone.
func (s *Sheet) landed(ctx context.Context, gone, created map[string]int64) (bool, error) {
	ss, err := s.get(ctx, "sheets(properties(sheetId,title),developerMetadata(metadataKey))")
	if err != nil {
		return false, err
	}
	lay := layoutOf(ss)
	for _, id := range gone {
		if lay.idTaken(id) {
			return false, nil
		}
	}
	for name, id := range created {
		t, ok := lay.find(name)
		if !ok || t.id != id || !t.managed {
			return false, nil
		}
	}
	return true, nil
}

// idPicker chooses sheet ids for new tabs so requests later in the same batch can refer to
// them: stable per title (a retried or repeated write picks the same one), never one in use.
type idPicker struct {
	lay  *layout
	used map[int64]bool
}

func newIDs(lay *layout) *idPicker { return &idPicker{lay: lay, used: map[int64]bool{}} }

func (p *idPicker) pick(title string) int64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(title)))
	id := int64(h.Sum32() & math.MaxInt32)
	for id == 0 || p.used[id] || p.lay.idTaken(id) {
		id = (id + 1) & math.MaxInt32
	}
	p.used[id] = true
	return id
}

// gridSize is the grid an output tab needs: its rows and columns, highlighted cells, set
// widths and the chart's anchor, with a row below any frozen rows (the API refuses to
// freeze every row).
func gridSize(t sheets.Tab) (rows, cols int64) {
	rows = int64(len(t.Rows))
	for _, r := range t.Rows {
		cols = max(cols, int64(len(r)))
	}
	for _, h := range t.Highlights {
		if h.Row >= 0 && h.Col >= 0 {
			rows, cols = max(rows, int64(h.Row)+1), max(cols, int64(h.Col)+1)
		}
	}
	cols = max(cols, int64(len(t.Widths)))
	for _, c := range t.AllCharts() {
		rows, cols = max(rows, int64(c.AnchorRow)+1), max(cols, int64(c.AnchorCol)+1)
	}
	rows = max(rows, int64(t.FrozenRows)+1, 1)
	return rows, max(cols, 1)
}

// outputRequests replaces one output tab: create it (with marker and warning-only
// protection) or resize it, then write every cell, then widths and the chart. ex is nil
// for a new tab. The cells' rows are encoded into rows, keyed by their request.
func outputRequests(t sheets.Tab, id int64, ex *tabLayout, rows encodedRows) ([]*sheetsapi.Request, error) {
	nrows, cols := gridSize(t)
	frozen := int64(max(t.FrozenRows, 0))
	var reqs []*sheetsapi.Request
	if ex == nil {
		reqs = append(reqs, &sheetsapi.Request{AddSheet: &sheetsapi.AddSheetRequest{Properties: &sheetsapi.SheetProperties{
			SheetId: id, Title: t.Name,
			GridProperties: &sheetsapi.GridProperties{RowCount: nrows, ColumnCount: cols, FrozenRowCount: frozen},
		}}})
		reqs = append(reqs, markerRequest(id), protectRequest(id))
	} else {
		reqs = append(reqs, resizeRequests(id, *ex, nrows, cols, frozen)...)
		if ex.title != t.Name {
			// Same tab in another case: keep it, take the configured spelling.
			reqs = append(reqs, &sheetsapi.Request{UpdateSheetProperties: &sheetsapi.UpdateSheetPropertiesRequest{
				Properties: &sheetsapi.SheetProperties{SheetId: id, Title: t.Name, ForceSendFields: []string{"SheetId"}},
				Fields:     "title",
			}})
		}
		if !ex.managed {
			reqs = append(reqs, markerRequest(id))
		}
		if !ex.warningOnly {
			reqs = append(reqs, protectRequest(id))
		}
	}
	block, err := encodeTab(t, nrows)
	if err != nil {
		return nil, err
	}
	cells := &sheetsapi.UpdateCellsRequest{Range: gridRange(id), Fields: writeFields}
	rows[cells] = rowsView{block: block, to: len(block.rows)}
	reqs = append(reqs, &sheetsapi.Request{UpdateCells: cells})
	reqs = append(reqs, widthRequests(id, t.Widths, cols, ex == nil)...)
	reqs = append(reqs, chartRequests(t, id, ex)...)
	return reqs, nil
}

// resizeRequests sets an existing tab's grid to rows×cols before its cells are written,
// because updateCells does not grow the grid. When columns shrink they are cut first: the
// cell limit is checked after each change.
func resizeRequests(id int64, ex tabLayout, rows, cols, frozen int64) []*sheetsapi.Request {
	props := func(gp *sheetsapi.GridProperties, fields string) *sheetsapi.Request {
		return &sheetsapi.Request{UpdateSheetProperties: &sheetsapi.UpdateSheetPropertiesRequest{
			Properties: &sheetsapi.SheetProperties{SheetId: id, GridProperties: gp, ForceSendFields: []string{"SheetId"}},
			Fields:     fields,
		}}
	}
	rowReq := props(&sheetsapi.GridProperties{RowCount: rows, FrozenRowCount: frozen},
		"gridProperties.rowCount,gridProperties.frozenRowCount")
	colReq := props(&sheetsapi.GridProperties{ColumnCount: cols},
		"gridProperties.columnCount,gridProperties.frozenColumnCount")
	if cols < ex.cols {
		return []*sheetsapi.Request{colReq, rowReq}
	}
	return []*sheetsapi.Request{rowReq, colReq}
}

func gridRange(id int64) *sheetsapi.GridRange {
	return &sheetsapi.GridRange{SheetId: id, ForceSendFields: []string{"SheetId"}}
}

func markerRequest(id int64) *sheetsapi.Request {
	return &sheetsapi.Request{CreateDeveloperMetadata: &sheetsapi.CreateDeveloperMetadataRequest{
		DeveloperMetadata: &sheetsapi.DeveloperMetadata{
			MetadataKey:   MarkerKey,
			MetadataValue: "true",
			// DOCUMENT, so the marker is seen whichever credentials run the next sync.
			Visibility: "DOCUMENT",
			Location:   &sheetsapi.DeveloperMetadataLocation{SheetId: id, ForceSendFields: []string{"SheetId"}},
		},
	}}
}

func protectRequest(id int64) *sheetsapi.Request {
	return &sheetsapi.Request{AddProtectedRange: &sheetsapi.AddProtectedRangeRequest{
		ProtectedRange: &sheetsapi.ProtectedRange{Range: gridRange(id), Description: protectionNote, WarningOnly: true},
	}}
}

// cellData renders one cell. Text is always a stringValue, never parsed, so a partner named
// "=IMPORTXML(...)" stays text rather than becoming a live formula.
func cellData(c sheets.Cell, bold bool, tone sheets.Tone, wrap bool) *sheetsapi.CellData {
	d := &sheetsapi.CellData{}
	var f sheetsapi.CellFormat
	switch c.Kind {
	case sheets.Text:
		if c.Text != "" {
			v := c.Text
			d.UserEnteredValue = &sheetsapi.ExtendedValue{StringValue: &v}
		}
	case sheets.Number:
		v := c.Num
		d.UserEnteredValue = &sheetsapi.ExtendedValue{NumberValue: &v}
	case sheets.Bool:
		v := c.Bool
		d.UserEnteredValue = &sheetsapi.ExtendedValue{BoolValue: &v}
	case sheets.Date:
		v := c.Num
		d.UserEnteredValue = &sheetsapi.ExtendedValue{NumberValue: &v}
		f.NumberFormat = dateFormat(c)
	}
	if bold {
		f.TextFormat = &sheetsapi.TextFormat{Bold: true}
	}
	if hex, ok := tones[tone]; ok {
		f.BackgroundColor = color(hex)
	}
	if wrap {
		f.WrapStrategy = "WRAP"
	}
	if c.Kind == sheets.Number || c.Kind == sheets.Date {
		// Centred, a number does not run into the text of the next column (Score "66"
		// against Quadrant "Q1 Engage" read as "66Q1 Engage").
		f.HorizontalAlignment = "CENTER"
	}
	if f.NumberFormat != nil || f.TextFormat != nil || f.BackgroundColor != nil || f.WrapStrategy != "" || f.HorizontalAlignment != "" {
		d.UserEnteredFormat = &f
	}
	return d
}

// dateFormat shows a date as yyyy-mm-dd, with the time when it has one.
func dateFormat(c sheets.Cell) *sheetsapi.NumberFormat {
	t := c.Time()
	if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 {
		return &sheetsapi.NumberFormat{Type: "DATE_TIME", Pattern: "yyyy-mm-dd hh:mm"}
	}
	return &sheetsapi.NumberFormat{Type: "DATE", Pattern: "yyyy-mm-dd"}
}

// color converts "#RRGGBB" to the API's 0..1 components, to 4 decimals: that still tells
// every 8-bit level apart (1/255 is 0.0039), and a colour is sent once per highlighted cell
// (0.9569 rather than 0.9568627450980393: 0.55 MB less of a 19 MB write at 10k partners).
func color(hex string) *sheetsapi.Color {
	var r, g, b int
	if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b); err != nil {
		panic(fmt.Sprintf("bad colour %q: %v", hex, err))
	}
	c := func(v int) float64 { return math.Round(float64(v)/255*1e4) / 1e4 }
	return &sheetsapi.Color{Red: c(r), Green: c(g), Blue: c(b)}
}

// widthRequests sets column widths, grouping runs of equal width. An existing tab also has
// its other columns put back to the default so widths do not outlive the tab's content; a
// new tab already has default widths.
func widthRequests(id int64, widths []float64, cols int64, fresh bool) []*sheetsapi.Request {
	px := func(c int64) int64 {
		if c < int64(len(widths)) && widths[c] > 0 {
			return int64(math.Round(widths[c]*pixelsPerChar)) + columnPaddingPixels
		}
		return defaultColumnPixels
	}
	var reqs []*sheetsapi.Request
	for start := int64(0); start < cols; {
		end := start + 1
		for end < cols && px(end) == px(start) {
			end++
		}
		if !fresh || px(start) != defaultColumnPixels {
			reqs = append(reqs, &sheetsapi.Request{UpdateDimensionProperties: &sheetsapi.UpdateDimensionPropertiesRequest{
				Range: &sheetsapi.DimensionRange{SheetId: id, Dimension: "COLUMNS", StartIndex: start, EndIndex: end,
					ForceSendFields: []string{"SheetId"}},
				Properties: &sheetsapi.DimensionProperties{PixelSize: px(start)},
				Fields:     "pixelSize",
			}})
		}
		start = end
	}
	return reqs
}

// Chart size and offset from its anchor cell, in pixels.
const (
	chartWidthPixels  = 760
	chartHeightPixels = 520
	chartOffsetPixels = 8
)

// chartID is the fixed id of the n-th chart (sheets.Tab.AllCharts order) on the tab with
// sheet id sheetID, so every sync finds and updates the charts it drew instead of adding more.
func chartID(sheetID int64, n int) int64 {
	h := fnv.New32a()
	if n == 0 {
		_, _ = fmt.Fprintf(h, "partnermap chart %d", sheetID) // the id a tab's one chart always had
	} else {
		_, _ = fmt.Fprintf(h, "partnermap chart %d/%d", sheetID, n)
	}
	return int64(h.Sum32()&math.MaxInt32) | 1 // never 0, which asks the API to choose
}

// chartRequests places or refreshes t's charts: addChart with each chart's fixed id, or
// updateChartSpec when the tab already holds it; every other chart on the tab is deleted.
// gridSize already makes room for the anchors.
func chartRequests(t sheets.Tab, id int64, ex *tabLayout) []*sheetsapi.Request {
	type wanted struct {
		chart *sheets.Chart
		spec  *sheetsapi.ChartSpec
	}
	want := map[int64]wanted{}
	var order []int64
	for n, c := range t.AllCharts() {
		if spec := chartSpec(id, c); spec != nil {
			cid := chartID(id, n)
			want[cid] = wanted{c, spec}
			order = append(order, cid)
		}
	}
	var reqs []*sheetsapi.Request
	have := map[int64]bool{}
	if ex != nil {
		for _, c := range ex.charts {
			if _, ok := want[c]; ok && !have[c] {
				have[c] = true
				continue
			}
			reqs = append(reqs, &sheetsapi.Request{DeleteEmbeddedObject: &sheetsapi.DeleteEmbeddedObjectRequest{ObjectId: c}})
		}
	}
	for _, cid := range order {
		w := want[cid]
		if !have[cid] {
			reqs = append(reqs, &sheetsapi.Request{AddChart: &sheetsapi.AddChartRequest{Chart: &sheetsapi.EmbeddedChart{
				ChartId: cid, Spec: w.spec, Position: chartPosition(id, w.chart),
			}}})
			continue
		}
		reqs = append(reqs, &sheetsapi.Request{UpdateChartSpec: &sheetsapi.UpdateChartSpecRequest{ChartId: cid, Spec: w.spec}})
		if len(order) > 1 {
			// Blocks of a tab with several charts grow and shrink, so each chart follows its anchor.
			reqs = append(reqs, &sheetsapi.Request{UpdateEmbeddedObjectPosition: &sheetsapi.UpdateEmbeddedObjectPositionRequest{
				ObjectId: cid, NewPosition: chartPosition(id, w.chart), Fields: "overlayPosition",
			}})
		}
	}
	return reqs
}

// chartPosition is where c is drawn on the tab with sheet id id: at its anchor cell.
func chartPosition(id int64, c *sheets.Chart) *sheetsapi.EmbeddedObjectPosition {
	return &sheetsapi.EmbeddedObjectPosition{OverlayPosition: &sheetsapi.OverlayPosition{
		AnchorCell: &sheetsapi.GridCoordinate{SheetId: id, RowIndex: int64(max(c.AnchorRow, 0)),
			ColumnIndex: int64(max(c.AnchorCol, 0)), ForceSendFields: []string{"SheetId", "RowIndex", "ColumnIndex"}},
		OffsetXPixels: chartOffsetPixels, OffsetYPixels: chartOffsetPixels / 2,
		WidthPixels: chartWidthPixels, HeightPixels: chartHeightPixels,
	}}
}

// chartSpec is a scatter chart of c's series, or a line chart when c.Kind says so. The
// API plots every series against one domain, so the domain is the shared x column over the rows of all series, and each
// series is its y column over the same rows (blank outside its own, per sheets.Chart).
// The row above is the header row: it names the series. Points are labelled from the
// label column; lines are drawn dashed and unlabelled. Helper columns are hidden, so
// hidden data must be plotted. Series whose x column is not the first one's cannot share
// the domain and are left out.
func chartSpec(id int64, c *sheets.Chart) *sheetsapi.ChartSpec {
	var series []sheets.Series
	for _, s := range c.Series {
		if s.FirstRow >= 0 && s.LastRow >= s.FirstRow && s.XCol == c.Series[0].XCol {
			series = append(series, s)
		}
	}
	if len(series) == 0 {
		return nil
	}
	first, last := series[0].FirstRow, series[0].LastRow
	for _, s := range series {
		first, last = min(first, s.FirstRow), max(last, s.LastRow)
	}
	var headers int64
	if first > 0 {
		first, headers = first-1, 1
	}
	column := func(col int) *sheetsapi.ChartData {
		return &sheetsapi.ChartData{SourceRange: &sheetsapi.ChartSourceRange{Sources: []*sheetsapi.GridRange{{
			SheetId: id, StartRowIndex: int64(first), EndRowIndex: int64(last) + 1,
			StartColumnIndex: int64(col), EndColumnIndex: int64(col) + 1,
			ForceSendFields: []string{"SheetId", "StartRowIndex", "StartColumnIndex"},
		}}}}
	}
	basic := &sheetsapi.BasicChartSpec{
		ChartType:      "SCATTER",
		LegendPosition: "BOTTOM_LEGEND",
		HeaderCount:    headers,
		Axis: []*sheetsapi.BasicChartAxis{
			{Position: "BOTTOM_AXIS", Title: c.XTitle, ViewWindowOptions: window(c.XMin, c.XMax)},
			{Position: "LEFT_AXIS", Title: c.YTitle, ViewWindowOptions: window(c.YMin, c.YMax)},
		},
		Domains: []*sheetsapi.BasicChartDomain{{Domain: column(series[0].XCol)}},
	}
	line := c.Kind == sheets.LineChart
	if line {
		// The domain is the weeks, in row order: no x range; the y range only when fixed.
		basic.ChartType = "LINE"
		basic.Axis[0].ViewWindowOptions = nil
		if c.YMax <= c.YMin {
			basic.Axis[1].ViewWindowOptions = nil
		}
	}
	for _, s := range series {
		bs := &sheetsapi.BasicChartSeries{
			Series:     column(s.YCol),
			TargetAxis: "LEFT_AXIS",
			ColorStyle: &sheetsapi.ColorStyle{RgbColor: color(s.Tone.Ink())},
		}
		switch {
		case line:
			bs.LineStyle = &sheetsapi.LineStyle{Width: 2, Type: "SOLID"}
		case s.Line:
			bs.LineStyle = &sheetsapi.LineStyle{Width: 1, Type: "MEDIUM_DASHED"}
			bs.PointStyle = &sheetsapi.PointStyle{Shape: "CIRCLE", Size: 1}
		default:
			bs.PointStyle = &sheetsapi.PointStyle{Shape: "CIRCLE", Size: 7}
			bs.DataLabel = &sheetsapi.DataLabel{Type: "CUSTOM", CustomLabelData: column(s.LabelCol), Placement: "RIGHT",
				TextFormat: &sheetsapi.TextFormat{FontSize: 8}}
		}
		basic.Series = append(basic.Series, bs)
	}
	return &sheetsapi.ChartSpec{
		Title:                   c.Title,
		TitleTextFormat:         &sheetsapi.TextFormat{Bold: true, FontSize: 13},
		HiddenDimensionStrategy: "SHOW_ALL",
		BasicChart:              basic,
	}
}

// window fixes an axis to [lo, hi], zeros included.
func window(lo, hi float64) *sheetsapi.ChartAxisViewWindowOptions {
	return &sheetsapi.ChartAxisViewWindowOptions{ViewWindowMode: "EXPLICIT", ViewWindowMin: lo, ViewWindowMax: hi,
		ForceSendFields: []string{"ViewWindowMin", "ViewWindowMax"}}
}
