package xlsx

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/internal/chunks"
	"github.com/partnermap/partnermap/sheets"
)

// toneFills maps each highlight tone to its fill colour.
var toneFills = map[sheets.Tone]string{
	sheets.ToneAlert: "F4C7C3",
	sheets.ToneWarn:  "FCE8B2",
	sheets.ToneGood:  "B7E1CD",
	sheets.ToneInfo:  "C9DAF8",
	sheets.ToneMuted: "E7E6E6",
}

// Number formats of date cells partnermap writes.
const (
	dateFormat     = "yyyy-mm-dd"
	dateTimeFormat = "yyyy-mm-dd hh:mm"
)

// Write replaces each tab in tabs, creating the ones that do not exist (at the
// end, with a marker). It refuses with *sheets.UnmanagedTabError, before
// writing anything, when a tab of that name exists without a marker and is not
// in adopt; with sheets.ErrBusy when the workbook is open in a spreadsheet
// program; and with sheets.ErrChanged when the file is no longer the version
// snap was read from. Every other tab keeps its contents exactly.
func (w *Workbook) Write(ctx context.Context, snap *sheets.Snapshot, tabs []sheets.Tab, adopt []string) error {
	return w.write(ctx, snap, tabs, adopt, nil)
}

// write is Write; placed, when not nil, gets the bytes the save put in place.
func (w *Workbook) write(ctx context.Context, snap *sheets.Snapshot, tabs []sheets.Tab, adopt []string, placed *placedBytes) error {
	if snap == nil {
		return fmt.Errorf("write workbook %s: no snapshot: read the workbook before writing it", w.path)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	names := make([]string, len(tabs))
	for i, t := range tabs {
		names[i] = t.Name
	}
	if err := checkTabNames(names); err != nil {
		return fmt.Errorf("write workbook %s: %w", w.path, err)
	}
	if err := w.checkLocks(); err != nil {
		return err
	}
	st, err := w.checkUnchanged(snap.Version)
	if err != nil {
		return err
	}
	if err := w.checkReplaceable(&st); err != nil {
		return err
	}
	if err := w.refuseReadOnly(st.mode); err != nil {
		return err
	}
	b, err := w.open(st.data, true)
	if err != nil {
		return err
	}
	f := b.f
	defer f.Close()

	managed := managedSheets(f)
	existing := make([]string, len(tabs))
	var clear []string
	for i, t := range tabs {
		name, ok := findSheet(f, t.Name)
		if !ok {
			continue
		}
		if !managed[name] && !adopted(adopt, t.Name) {
			return &sheets.UnmanagedTabError{Tab: t.Name}
		}
		existing[i] = name
		clear = append(clear, name)
	}

	lay, err := readLayout(f)
	if err != nil {
		return fmt.Errorf("write workbook %s: %w", w.path, err)
	}
	if err := checkOwnParts(lay, clear); err != nil {
		return fmt.Errorf("write workbook %s: %w", w.path, err)
	}
	if err := clearSheets(f, lay, clear); err != nil {
		return fmt.Errorf("write workbook %s: %w", w.path, err)
	}
	rewritable := map[string]bool{}
	for _, name := range clear {
		rewritable[lay.sheets[name]] = true
	}
	r := newRenderer(f)
	r.drawChart = w.drawChart
	r.noSplice = w.noSplice
	scans := r.scanTabs(tabs)
	for i, t := range tabs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.outputTab(t, existing[i], managed[existing[i]], lay.sheets[existing[i]], scans[i]); err != nil {
			return fmt.Errorf("write tab %q of %s: %w", t.Name, w.path, err)
		}
	}
	return w.save(b, &st, rewritable, r.splices, placed)
}

// save writes the book over the workbook it was read from (prev), reusing
// the unchanged parts; rewritable names the held parts it replaces, and splices
// the rows to write into parts as they are saved; placed, when not nil, gets the bytes saved.
func (w *Workbook) save(b *book, prev *fileState, rewritable map[string]bool, splices map[string]rowSplice, placed *placedBytes) error {
	return w.commit(prev, encode(b.f, func(out io.Writer) *reuseWriter {
		rw := newReuseWriter(out, b.zip, b.held, rewritable)
		rw.splices = splices
		return rw
	}), placed)
}

// encode is the content of a save: f written out as a workbook through the archive
// writer newZip makes.
func encode(f *excelize.File, newZip func(io.Writer) *reuseWriter) func(io.Writer) error {
	return func(out io.Writer) error {
		// excelize builds the whole archive in a bytes.Buffer, grown by doubling, before
		// copying it out (80 MB at 100k partners, and a second of clearing fresh memory):
		// the archive writer is handed out itself instead, and that buffer stays empty.
		f.ZipWriter = func(io.Writer) excelize.ZipWriter { return newZip(out) }
		var stray countingWriter
		if err := f.Write(&stray); err != nil {
			return fmt.Errorf("encode workbook: %w", err)
		}
		if stray > 0 {
			return fmt.Errorf("encode workbook: %d bytes were written outside the archive", int64(stray))
		}
		return nil
	}
}

// countingWriter counts the bytes written to it.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// checkOwnParts refuses to replace a tab whose worksheet part another tab uses
// too: a crafted workbook can point a managed tab and a volunteer's tab at the same
// part, and clearing the one would empty the other on every sync.
func checkOwnParts(lay layout, clear []string) error {
	users := map[string][]string{}
	for name, part := range lay.sheets {
		users[part] = append(users[part], name)
	}
	for _, name := range clear {
		for _, other := range users[lay.sheets[name]] {
			if other != name {
				return fmt.Errorf("tab %q shares its worksheet part %s with tab %q, so replacing it would change %q too: "+
					"nothing was written; the workbook is damaged or was crafted: delete tab %q in a spreadsheet program, or save a fresh copy of the workbook",
					name, lay.sheets[name], other, other, name)
			}
		}
	}
	return nil
}

// checkTabNames refuses empty and duplicate tab names; spreadsheet programs
// compare tab names without regard to case.
func checkTabNames(names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			return fmt.Errorf("a tab has no name")
		}
		key := strings.ToLower(n)
		if seen[key] {
			return fmt.Errorf("tab %q is listed twice", n)
		}
		seen[key] = true
	}
	return nil
}

// findSheet finds a sheet by name as spreadsheet programs do: exactly, else
// ignoring case.
func findSheet(f *excelize.File, name string) (string, bool) {
	list := f.GetSheetList()
	for _, n := range list {
		if n == name {
			return n, true
		}
	}
	for _, n := range list {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

func adopted(adopt []string, name string) bool {
	for _, a := range adopt {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}

// styleKey is one combination of the formatting partnermap applies to a cell.
type styleKey struct {
	bold   bool
	format string // number format code, "" for General
	tone   sheets.Tone
	// wrap wraps long text within the cell's width (or its merged range's); top puts it
	// at the top of a tall row.
	wrap, top bool
	// center centres a number or date, so that it does not run into the text of the next
	// column (Score "66" against Quadrant "Q1 Engage" read as "66Q1 Engage").
	center bool
}

// renderer writes tabs into an open workbook, creating each cell style once.
type renderer struct {
	f        *excelize.File
	date1904 bool
	styles   map[styleKey]int
	// drawChart draws Tab.Chart on the new, still empty sheet; nil skips charts.
	drawChart chartDrawer
	// splices write the rows of output tabs into their worksheet parts as they are saved,
	// by part name (splice.go); noSplice has excelize write every row (for tests).
	splices  map[string]rowSplice
	noSplice bool
	// rowPieces encodes the spliced rows of every tab of the save, a piece at a time
	// (writeRows), with the same few buffers.
	rowPieces *chunks.Ahead
}

// chartDrawer is the seam for drawing a tab's chart (e.g. with
// excelize's AddChart, whose series refer to cells of the tab by address).
// It runs after the tab is created or cleared and before its rows are
// written. A cleared tab loses its previous drawing, so charts never pile
// up. addChart (chart.go) is the one in use.
type chartDrawer func(f *excelize.File, sheet string, c *sheets.Chart) error

func newRenderer(f *excelize.File) *renderer {
	return &renderer{
		f:        f,
		date1904: uses1904(f),
		styles:   map[styleKey]int{},
		splices:  map[string]rowSplice{},
		// 2048 rows a piece: a megabyte or two of XML.
		rowPieces: &chunks.Ahead{Per: 2048, Depth: 4},
	}
}

// style returns the style id for k, creating it on first use.
func (r *renderer) style(k styleKey) (int, error) {
	if k == (styleKey{}) {
		return 0, nil
	}
	if id, ok := r.styles[k]; ok {
		return id, nil
	}
	s := &excelize.Style{}
	if k.bold {
		s.Font = r.boldFont()
	}
	if k.format != "" {
		code := k.format
		s.CustomNumFmt = &code
	}
	if fill, ok := toneFills[k.tone]; ok {
		s.Fill = solid(fill)
	}
	if k.wrap || k.top || k.center {
		s.Alignment = &excelize.Alignment{WrapText: k.wrap}
		if k.top {
			s.Alignment.Vertical = "top"
		}
		if k.center {
			s.Alignment.Horizontal = "center"
		}
	}
	id, err := r.f.NewStyle(s)
	if err != nil {
		return 0, fmt.Errorf("create cell style: %w", err)
	}
	r.styles[k] = id
	return id, nil
}

// outValue is a cell's value as it is written, unboxed: an interface per cell allocated
// for every number and text of a large sync.
type outValue struct {
	kind outKind
	text string
	num  float64
	bool bool
}

type outKind uint8

const (
	outBlank outKind = iota
	outText
	outNumber
	outBool
)

// boxed is the value as excelize's cell API takes it.
func (v outValue) boxed() any {
	switch v.kind {
	case outText:
		return v.text
	case outNumber:
		return v.num
	case outBool:
		return v.bool
	}
	return nil
}

// value converts a cell to what excelize writes, with the number format it needs.
// Text is always passed as a Go string, which excelize writes as a literal
// string cell: a value like "=HYPERLINK(...)" never becomes a formula.
func (r *renderer) value(c sheets.Cell) (outValue, string) {
	switch c.Kind {
	case sheets.Text:
		if c.Text == "" {
			return outValue{}, ""
		}
		return outValue{kind: outText, text: c.Text}, ""
	case sheets.Number:
		if math.IsNaN(c.Num) || math.IsInf(c.Num, 0) {
			// A spreadsheet has no NaN; show it rather than corrupt the file.
			return outValue{kind: outText, text: c.String()}, ""
		}
		return outValue{kind: outNumber, num: c.Num}, ""
	case sheets.Bool:
		return outValue{kind: outBool, bool: c.Bool}, ""
	case sheets.Date:
		serial := c.Num
		if r.date1904 {
			serial -= date1904Offset
		}
		if serial != math.Trunc(serial) {
			return outValue{kind: outNumber, num: serial}, dateTimeFormat
		}
		return outValue{kind: outNumber, num: serial}, dateFormat
	}
	return outValue{}, ""
}

// outputTab fills one managed tab. existing is the name of the sheet it
// replaces (already cleared), or "" to create it; marked says whether that
// sheet already carries the marker.
//
// part is the worksheet part of existing ("" when there is none); scan is the tab's
// (r.scanTabs).
func (r *renderer) outputTab(t sheets.Tab, existing string, marked bool, part string, scan *tabScan) error {
	if len(t.Rows) > maxRows {
		return fmt.Errorf("%d rows is more than a sheet holds (%d)", len(t.Rows), maxRows)
	}
	if existing == "" {
		var err error
		if part, err = r.newSheet(t.Name); err != nil {
			return err
		}
	} else if existing != t.Name {
		if err := r.f.SetSheetName(existing, t.Name); err != nil {
			return fmt.Errorf("rename tab %q: %w", existing, err)
		}
	}
	for _, c := range t.AllCharts() {
		if r.drawChart == nil {
			break
		}
		// Before the rows: the stream writer keeps a drawing added now, but
		// one added after Flush would lose its reference from the sheet.
		if err := r.drawChart(r.f, t.Name, c); err != nil {
			return fmt.Errorf("draw chart: %w", err)
		}
	}
	if err := r.sheetExtras(t); err != nil {
		return err
	}
	if err := r.printSetup(t); err != nil {
		return err
	}
	sw, err := r.f.NewStreamWriter(t.Name)
	if err != nil {
		return err
	}
	if err := r.layout(sw, t.Widths, t.FrozenRows); err != nil {
		return err
	}
	if err := r.scannedRows(sw, scan, part); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if !marked {
		if err := r.f.SetDefinedName(&excelize.DefinedName{Name: markerName, RefersTo: markerValue, Scope: t.Name}); err != nil {
			return fmt.Errorf("mark tab as managed: %w", err)
		}
	}
	return nil
}

// newSheet appends an empty sheet, refusing to reuse the part name of another, and
// returns the name of its worksheet part.
func (r *renderer) newSheet(name string) (string, error) {
	maxID := 0
	for _, s := range r.f.WorkBook.Sheets.Sheet {
		maxID = max(maxID, s.SheetID)
	}
	// excelize names the new part after the next sheet id; a workbook from an
	// unusual writer could already use that name for another sheet.
	partName := "xl/worksheets/sheet" + strconv.Itoa(maxID+1) + ".xml"
	if _, taken := r.f.Pkg.Load(partName); taken {
		return "", fmt.Errorf("cannot add a tab: part %s is already in use", partName)
	}
	if _, err := r.f.NewSheet(name); err != nil {
		return "", fmt.Errorf("add tab: %w", err)
	}
	return partName, nil
}

// layout sets column widths and frozen rows; the stream writer needs both
// before the first row.
func (r *renderer) layout(sw *excelize.StreamWriter, widths []float64, frozen int) error {
	if len(widths) > maxColumns {
		return fmt.Errorf("%d column widths is more than a sheet has", len(widths))
	}
	for i, wd := range widths {
		if wd > 0 {
			if err := sw.SetColWidth(i+1, i+1, min(wd, 255)); err != nil {
				return fmt.Errorf("set width of column %d: %w", i+1, err)
			}
		}
	}
	if frozen > 0 && frozen < maxRows {
		if err := sw.SetPanes(frozenPanes(frozen)); err != nil {
			return fmt.Errorf("freeze rows: %w", err)
		}
	}
	return nil
}

// frozenPanes keeps the top rows in view, with the selection on the first row below them.
func frozenPanes(rows int) *excelize.Panes {
	top := "A" + strconv.Itoa(rows+1)
	return &excelize.Panes{
		Freeze: true, YSplit: rows, TopLeftCell: top, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}},
	}
}

// tabScan is what writing a tab's rows needs to know of all of them first.
type tabScan struct {
	g *tabGrid
	// from is the first row that can be spliced: every row before it is excelize's to write.
	from int
	// styles are the formats the cells use, in the order first used: created in that
	// order, they get the ids they always had.
	styles []styleKey
	err    error
}

// scan reads every cell of t once: whether it can be spliced and the format it takes.
func (r *renderer) scan(t sheets.Tab) *tabScan {
	g := newTabGrid(t)
	s := &tabScan{g: g}
	if g.legendEnd > 0 {
		s.from = 1
	}
	seen := map[styleKey]bool{{}: true}
	var above []styleKey // the format of the cell above, by column: mostly the same
	for ri := 0; ri <= g.last; ri++ {
		row, err := g.row(ri)
		if err != nil {
			s.err = err
			return s
		}
		if len(above) < row.width {
			above = append(above, make([]styleKey, row.width-len(above))...)
		}
		for ci := 0; ci < row.width; ci++ {
			v, k := g.cell(r, row, ci)
			if !spliceable(v) {
				s.from = ri + 1
			}
			if k != above[ci] {
				above[ci] = k
				if !seen[k] {
					seen[k] = true
					s.styles = append(s.styles, k)
				}
			}
		}
	}
	return s
}

// scanTabs scans the tabs side by side, at most GOMAXPROCS at once (a scan only reads).
func (r *renderer) scanTabs(tabs []sheets.Tab) []*tabScan {
	scans := make([]*tabScan, len(tabs))
	chunks.AtMost(len(tabs), runtime.GOMAXPROCS(0), func(i int) {
		if len(tabs[i].Rows) <= maxRows { // a longer tab is refused by outputTab
			scans[i] = r.scan(tabs[i])
		}
	})
	return scans
}

// scannedRows writes the rows of the tab s scanned, with bold rows and highlights. The rows
// excelize must write (the legend, whose cells are merged, and any row with a value
// spliceable cannot copy exactly) go through the stream writer; the rest are written
// straight into the saved worksheet part by splice.go, which is most of a large sync's
// write. Either way the bytes are the same (TestSplicedRowsAreWhatExcelizeWrites).
func (r *renderer) scannedRows(sw *excelize.StreamWriter, s *tabScan, part string) error {
	if s.err != nil {
		return s.err
	}
	for _, k := range s.styles {
		if _, err := r.style(k); err != nil { // created now: styles are saved before the rows
			return err
		}
	}
	g, from := s.g, s.from
	if _, streamed := r.f.Sheet.Load(part); r.noSplice || part == "" || !streamed {
		// Spliced only into the part excelize is streaming this tab to (it keeps the tab's
		// worksheet under that name until Flush); under any other name the rows would be lost.
		from = g.last + 1
	}
	var vals []any
	for ri := 0; ri < min(from, g.last+1); ri++ {
		row, err := g.row(ri)
		if err != nil {
			return err
		}
		if row.width == 0 {
			continue
		}
		vals = vals[:0]
		for ci := 0; ci < row.width; ci++ {
			v, k := g.cell(r, row, ci)
			if k == (styleKey{}) {
				vals = append(vals, v.boxed())
				continue
			}
			vals = append(vals, excelize.Cell{StyleID: r.styles[k], Value: v.boxed()})
		}
		var opts []excelize.RowOpts
		if h := g.height(row); h > 0 {
			opts = append(opts, excelize.RowOpts{Height: h})
		}
		if ri == 0 && g.legendEnd > 0 {
			if err := sw.MergeCell("A1", sheets.ColumnName(g.legendEnd)+"1"); err != nil {
				return fmt.Errorf("spread the legend over the tab: %w", err)
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(ri+1), vals, opts...); err != nil {
			return fmt.Errorf("write row %d: %w", ri+1, err)
		}
	}
	if from <= g.last {
		r.splices[part] = func(w io.Writer) error { return r.writeRows(w, g, from) }
	}
	return nil
}

// tabGrid is a tab's rows with what decides each cell's format: bold rows, wrapped columns,
// the legend and the highlights. Bold rows and highlights are kept by row in slices, not
// maps: the scan and the write look them up for every row (100k partners: 1.2M rows).
type tabGrid struct {
	t            sheets.Tab
	bold         []bool // by row, up to last
	wrap         map[int]bool
	wrapCol      []bool // wrap, by column
	legendEnd    int
	legendHeight float64
	// highlights holds the highlights in row order (as given, within a row); those of row
	// r are highlights[highlightAt[r]:highlightAt[r+1]].
	highlights  []sheets.Highlight
	highlightAt []int32
	last        int
}

func newTabGrid(t sheets.Tab) *tabGrid {
	g := &tabGrid{t: t, wrap: map[int]bool{}, last: len(t.Rows) - 1}
	for _, c := range t.WrapCols {
		g.wrap[c] = true
		if c >= 0 && c < maxColumns {
			if c >= len(g.wrapCol) {
				g.wrapCol = append(g.wrapCol, make([]bool, c+1-len(g.wrapCol))...)
			}
			g.wrapCol[c] = true
		}
	}
	g.legendEnd, g.legendHeight = legendSpan(t)
	valid := func(h sheets.Highlight) bool {
		return h.Row >= 0 && h.Col >= 0 && h.Row < maxRows && h.Col < maxColumns
	}
	for _, h := range t.Highlights {
		if valid(h) {
			g.last = max(g.last, h.Row)
		}
	}
	g.bold = make([]bool, g.last+1)
	for _, b := range t.BoldRows {
		if b >= 0 && b <= g.last {
			g.bold[b] = true
		}
	}
	// A counting sort by row, which keeps a row's highlights in their order.
	g.highlightAt = make([]int32, g.last+2)
	for _, h := range t.Highlights {
		if valid(h) {
			g.highlightAt[h.Row+1]++
		}
	}
	for r := 1; r < len(g.highlightAt); r++ {
		g.highlightAt[r] += g.highlightAt[r-1]
	}
	g.highlights = make([]sheets.Highlight, g.highlightAt[len(g.highlightAt)-1])
	next := slices.Clone(g.highlightAt[:g.last+1])
	for _, h := range t.Highlights {
		if valid(h) {
			g.highlights[next[h.Row]] = h
			next[h.Row]++
		}
	}
	return g
}

// gridRow is one row of a tabGrid, with what formats its cells.
type gridRow struct {
	ri         int
	cells      []sheets.Cell
	width      int // how many cells it spans, highlights included
	bold       bool
	highlights []sheets.Highlight
}

// row returns row ri.
func (g *tabGrid) row(ri int) (gridRow, error) {
	row := gridRow{ri: ri}
	if ri >= 0 && ri <= g.last {
		row.bold, row.highlights = g.bold[ri], g.highlights[g.highlightAt[ri]:g.highlightAt[ri+1]]
	}
	if ri < len(g.t.Rows) {
		row.cells = g.t.Rows[ri]
	}
	row.width = len(row.cells)
	for _, h := range row.highlights {
		row.width = max(row.width, h.Col+1)
	}
	if row.width > maxColumns {
		return gridRow{}, fmt.Errorf("row %d has %d cells, more than a sheet's %d columns", ri+1, row.width, maxColumns)
	}
	return row, nil
}

// cell is the value excelize is given for cell ci of row and the format it gets: the one
// conversion both the check of what can be spliced and the writing of the rows use.
func (g *tabGrid) cell(r *renderer, row gridRow, ci int) (outValue, styleKey) {
	var c sheets.Cell
	if ci < len(row.cells) {
		c = row.cells[ci]
	}
	v, format := r.value(c)
	k := styleKey{format: format, center: v.kind != outBlank && (c.Kind == sheets.Number || c.Kind == sheets.Date)}
	for _, h := range row.highlights {
		if h.Col == ci {
			k.tone = h.Tone
		}
	}
	if k.tone != "" {
		if _, ok := toneFills[k.tone]; !ok {
			k.tone = ""
		}
	}
	if v.kind != outBlank && row.bold {
		k.bold = true
	}
	if c.Kind == sheets.Text && v.kind != outBlank {
		legendRow := g.t.Legend && row.ri == 0
		if wrapped := ci < len(g.wrapCol) && g.wrapCol[ci]; wrapped && !legendRow || legendRow && ci == 0 && g.legendEnd > 0 {
			k.wrap = true
			k.top = legendRow
		}
	}
	return v, k
}

// height is the row's height in points, 0 for the default.
func (g *tabGrid) height(row gridRow) float64 {
	if row.ri == 0 && g.legendEnd > 0 {
		return g.legendHeight
	}
	if len(g.wrap) == 0 {
		return 0
	}
	if lines := wrappedLines(g.t, row.cells, g.wrap); lines > 1 {
		// Spreadsheet programs do not grow a row for wrapped text when they open a file.
		return math.Min((float64(lines)+0.2)*lineHeight, maxRowHeight)
	}
	return 0
}
