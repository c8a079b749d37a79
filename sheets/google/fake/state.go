package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	sheetsapi "google.golang.org/api/sheets/v4"
)

// maxCells is the real API's limit of cells per spreadsheet.
const maxCells = 10_000_000

// book is one stored spreadsheet. Fields are exported only so clone can round-trip
// them through JSON.
type book struct {
	ID       string
	TimeZone string
	Title    string
	Tabs     []*tab
	Meta     []*sheetsapi.DeveloperMetadata // spreadsheet-level
}

// tab is one sheet: its properties and a sparse grid of cells within the grid bounds.
type tab struct {
	Props     *sheetsapi.SheetProperties
	Cells     [][]*sheetsapi.CellData // Cells[row][col]; nil or short rows are empty cells
	Meta      []*sheetsapi.DeveloperMetadata
	Protected []*sheetsapi.ProtectedRange
	Charts    []*sheetsapi.EmbeddedChart
	ColWidths map[int64]int64 // pixel sizes set by updateDimensionProperties
}

func (t *tab) rows() int64 { return t.Props.GridProperties.RowCount }
func (t *tab) cols() int64 { return t.Props.GridProperties.ColumnCount }

// cell returns the stored cell at (r, c), or nil.
func (t *tab) cell(r, c int64) *sheetsapi.CellData {
	if r < int64(len(t.Cells)) && c < int64(len(t.Cells[r])) {
		return t.Cells[r][c]
	}
	return nil
}

// setCell stores d at (r, c), growing the sparse grid as needed.
func (t *tab) setCell(r, c int64, d *sheetsapi.CellData) {
	for int64(len(t.Cells)) <= r {
		t.Cells = append(t.Cells, nil)
	}
	for int64(len(t.Cells[r])) <= c {
		t.Cells[r] = append(t.Cells[r], nil)
	}
	t.Cells[r][c] = d
}

// truncate drops cells outside the grid after a resize.
func (t *tab) truncate() {
	if int64(len(t.Cells)) > t.rows() {
		t.Cells = t.Cells[:t.rows()]
	}
	for i, row := range t.Cells {
		if int64(len(row)) > t.cols() {
			t.Cells[i] = row[:t.cols()]
		}
	}
}

func (b *book) tabByTitle(title string) *tab {
	for _, t := range b.Tabs {
		// Sheet titles are unique regardless of case in Google Sheets.
		if strings.EqualFold(t.Props.Title, title) {
			return t
		}
	}
	return nil
}

func (b *book) tabByID(id int64) *tab {
	for _, t := range b.Tabs {
		if t.Props.SheetId == id {
			return t
		}
	}
	return nil
}

func (b *book) cellCount() int64 {
	var n int64
	for _, t := range b.Tabs {
		n += t.rows() * t.cols()
	}
	return n
}

// clone deep-copies the book so a batchUpdate can be applied to a copy and committed whole.
func (b *book) clone() *book {
	data, err := json.Marshal(b)
	if err != nil {
		panic(fmt.Sprintf("fake: clone spreadsheet: %v", err))
	}
	var c book
	if err := json.Unmarshal(data, &c); err != nil {
		panic(fmt.Sprintf("fake: clone spreadsheet: %v", err))
	}
	for _, t := range c.Tabs {
		if t.ColWidths == nil {
			t.ColWidths = map[int64]int64{}
		}
		if t.Props.GridProperties == nil {
			t.Props.GridProperties = &sheetsapi.GridProperties{}
		}
	}
	return &c
}

// nextID returns a fresh positive id that looks like the real API's random ones.
// Call with s.mu held.
func (s *Server) nextID() int64 {
	s.seq++
	return (s.seq*1_000_003 + 7919) % 2_000_000_000
}

// recorder buffers an answer so faults can cut or replace it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func readAll(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	defer func() { _ = r.Body.Close() }()
	return io.ReadAll(r.Body)
}
