package fake

import (
	"bytes"
	"io"
	"net/http"
	"reflect"
	"strings"

	sheetsapi "google.golang.org/api/sheets/v4"
)

// maxCells is the real API's limit of cells per spreadsheet.
const maxCells = 10_000_000

// book is one stored spreadsheet.
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
// It copies by reflection: a JSON round trip of the API's types re-compacts every nested
// value once per level and made a get or batchUpdate of a seeded workbook take ~0.3 s.
func (b *book) clone() *book {
	var c book
	cp := copier{seen: map[ptrKey]reflect.Value{}}
	cp.copy(reflect.ValueOf(&c).Elem(), reflect.ValueOf(b).Elem())
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

// copier deep-copies values. A pointer shared in the source (one dropdown rule on every
// row of a column) stays shared in the copy, so the copy costs what the original does;
// the handlers replace shared values, never change them in place.
type copier struct {
	seen map[ptrKey]reflect.Value
}

// ptrKey names a source pointer; the source outlives the copy, so its address is stable.
type ptrKey struct {
	t reflect.Type
	p uintptr
}

// copy copies src into dst (settable, same type) sharing nothing with src.
func (cp *copier) copy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		key := ptrKey{src.Type(), src.Pointer()}
		if p, ok := cp.seen[key]; ok {
			dst.Set(p)
			return
		}
		p := reflect.New(src.Type().Elem())
		cp.seen[key] = p
		cp.copy(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Struct:
		for i := range src.NumField() {
			if f := dst.Field(i); f.CanSet() {
				cp.copy(f, src.Field(i))
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			cp.copy(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			v := reflect.New(src.Type().Elem()).Elem()
			cp.copy(v, it.Value())
			m.SetMapIndex(it.Key(), v)
		}
		dst.Set(m)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		v := reflect.New(src.Elem().Type()).Elem()
		cp.copy(v, src.Elem())
		dst.Set(v)
	default:
		dst.Set(src)
	}
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
