package google

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/iotest"

	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/partnermap/partnermap/sheets"
)

// randomSpreadsheet builds an answer of the shape the read asks for: tabs with markers,
// protections and charts, grid data in one or more blocks (offsets, ragged and blank rows,
// every value kind, date formats, errors).
func randomSpreadsheet(r *rand.Rand) *sheetsapi.Spreadsheet {
	ss := &sheetsapi.Spreadsheet{Properties: &sheetsapi.SpreadsheetProperties{TimeZone: "Europe/Paris"}}
	for i := range 1 + r.IntN(5) {
		sh := &sheetsapi.Sheet{Properties: &sheetsapi.SheetProperties{SheetId: int64(100 + i), Title: fmt.Sprintf("Tab %d", i),
			GridProperties: &sheetsapi.GridProperties{RowCount: int64(r.IntN(500)), ColumnCount: int64(r.IntN(30)), FrozenRowCount: int64(r.IntN(2))}}}
		if r.IntN(2) == 0 {
			sh.DeveloperMetadata = []*sheetsapi.DeveloperMetadata{{MetadataKey: MarkerKey, MetadataValue: "1"}}
		}
		if r.IntN(3) == 0 {
			sh.ProtectedRanges = []*sheetsapi.ProtectedRange{{ProtectedRangeId: 7, WarningOnly: r.IntN(2) == 0}}
		}
		if r.IntN(3) == 0 {
			sh.Charts = []*sheetsapi.EmbeddedChart{{ChartId: int64(r.IntN(1000))}, {ChartId: 3}}
		}
		for range r.IntN(3) {
			gd := &sheetsapi.GridData{StartRow: int64(r.IntN(4)), StartColumn: int64(r.IntN(3))}
			for range r.IntN(12) {
				if r.IntN(6) == 0 {
					gd.RowData = append(gd.RowData, &sheetsapi.RowData{})
					continue
				}
				rd := &sheetsapi.RowData{}
				for range r.IntN(8) {
					rd.Values = append(rd.Values, randomCell(r))
				}
				gd.RowData = append(gd.RowData, rd)
			}
			sh.Data = append(sh.Data, gd)
		}
		ss.Sheets = append(ss.Sheets, sh)
	}
	return ss
}

func randomCell(r *rand.Rand) *sheetsapi.CellData {
	c := &sheetsapi.CellData{}
	v := &sheetsapi.ExtendedValue{}
	switch r.IntN(7) {
	case 0:
		return c
	case 1:
		s := []string{"", "Eastside \"Tenants\"", "é ü 日本", "a\\b", "line\nbreak"}[r.IntN(5)]
		v.StringValue = &s
	case 2, 3:
		f := float64(r.IntN(60000)) + []float64{0, 0.25, 0.5}[r.IntN(3)]
		v.NumberValue = &f
		if r.IntN(2) == 0 {
			c.EffectiveFormat = &sheetsapi.CellFormat{NumberFormat: &sheetsapi.NumberFormat{Type: []string{"DATE", "DATE_TIME", "NUMBER"}[r.IntN(3)]}}
		}
	case 4:
		b := r.IntN(2) == 0
		v.BoolValue = &b
	case 5:
		v.ErrorValue = &sheetsapi.ErrorValue{Type: []string{"REF", "N_A", "DIVIDE_BY_ZERO", "OTHER"}[r.IntN(4)]}
	case 6:
		s := fmt.Sprintf("Partner %d", r.IntN(100))
		v.StringValue = &s
	}
	c.EffectiveValue = v
	return c
}

// TestStreamedReadMatchesTheGeneratedClient decodes random answers both ways: through the
// generated client's structs (how Read worked before) and streamed. Layout, time zone and
// the wanted tabs' rows must agree; unwanted tabs must have no rows.
func TestStreamedReadMatchesTheGeneratedClient(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 17))
	for i := range 300 {
		ss := randomSpreadsheet(r)
		body, err := json.Marshal(ss)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			body = propertiesFirst(t, body)
		}
		want := func(title string) bool { return !strings.HasSuffix(title, "1") }
		// Read whole, and in pieces so values are cut by refills everywhere.
		var reader io.Reader = strings.NewReader(string(body))
		switch i % 3 {
		case 0:
			reader = iotest.OneByteReader(reader)
		case 1:
			reader = &choppy{r: reader, rand: r}
		}
		got, err := decodeSpreadsheet(reader, want)
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, body)
		}
		var ref sheetsapi.Spreadsheet
		if err := json.Unmarshal(body, &ref); err != nil {
			t.Fatal(err)
		}
		if got.timeZone != ref.Properties.TimeZone {
			t.Fatalf("case %d: time zone %q, want %q", i, got.timeZone, ref.Properties.TimeZone)
		}
		if lay := layoutOf(&ref); !reflect.DeepEqual(got.lay, lay) {
			t.Fatalf("case %d: layout\n%+v\nwant\n%+v", i, got.lay, lay)
		}
		for _, sh := range ref.Sheets {
			title := sh.Properties.Title
			rows, ok := got.tables[title]
			if !want(title) {
				if ok {
					t.Fatalf("case %d: unwanted tab %s was decoded", i, title)
				}
				continue
			}
			if exp := decodeRows(sh.Data); !sameRows(rows, exp) {
				t.Fatalf("case %d: tab %s\n got %v\nwant %v\n%s", i, title, rows, exp, body)
			}
		}
	}
}

// choppy reads a few bytes at a time, as a network answer arrives.
type choppy struct {
	r    io.Reader
	rand *rand.Rand
}

func (c *choppy) Read(b []byte) (int, error) {
	return c.r.Read(b[:min(len(b), 1+c.rand.IntN(16))])
}

// propertiesFirst puts each sheet's properties before its data, as the API sends them:
// json.Marshal of the generated types (and the fake, which sorts keys) sends data first.
func propertiesFirst(t *testing.T, body []byte) []byte {
	t.Helper()
	var doc struct {
		Properties json.RawMessage              `json:"properties"`
		Sheets     []map[string]json.RawMessage `json:"sheets"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(`{"properties":` + string(doc.Properties) + `,"sheets":[`)
	for i, sh := range doc.Sheets {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{`)
		keys := []string{"properties"}
		for k := range sh {
			if k != "properties" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys[1:])
		n := 0
		for _, k := range keys {
			if v, ok := sh[k]; ok {
				if n > 0 {
					b.WriteByte(',')
				}
				n++
				fmt.Fprintf(&b, "%q:%s", k, v)
			}
		}
		b.WriteString(`}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// TestStreamedReadRefusesCutAnswers: an answer cut anywhere, or whose reading fails, is an
// error, never a shorter read.
func TestStreamedReadRefusesCutAnswers(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 17))
	var body []byte
	for len(body) < 2000 {
		var err error
		if body, err = json.Marshal(randomSpreadsheet(r)); err != nil {
			t.Fatal(err)
		}
	}
	all := func(string) bool { return true }
	if _, err := decodeSpreadsheet(bytes.NewReader(body), all); err != nil {
		t.Fatalf("the whole answer: %v", err)
	}
	for n := range len(body) - 1 {
		_, err := decodeSpreadsheet(iotest.OneByteReader(bytes.NewReader(body[:n])), all)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("the answer cut at byte %d of %d gave %v, want an unexpected end", n, len(body), err)
		}
	}
	broken := errors.New("connection reset")
	_, err := decodeSpreadsheet(io.MultiReader(bytes.NewReader(body[:len(body)/2]), iotest.ErrReader(broken)), all)
	if !errors.Is(err, broken) {
		t.Fatalf("a failed read gave %v, want the read's error", err)
	}
}

// sameRows compares rows as a reader sees them: nil and empty rows alike.
func sameRows(a, b [][]sheets.Cell) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func TestStreamedReadRefusesDamagedAnswers(t *testing.T) {
	for _, body := range []string{
		``, `{`, `[]`, `{"sheets":{}}`, `{"sheets":[{"properties":{"title":"A"},"data":[{"rowData":[{"values":[{"effectiveValue":{"numberValue":"x"}}]}]}]}]}`,
		`{"sheets":[{"properties":{"title":"A"},"data":[{"rowData":[{"values":[`,
	} {
		if _, err := decodeSpreadsheet(strings.NewReader(body), func(string) bool { return true }); err == nil {
			t.Errorf("%q decoded without an error", body)
		}
	}
}

// TestParseRowMatchesDecoding holds the hand-written row parser to encoding/json on random
// rows, with spaces, escapes, nulls and keys the read does not ask for thrown in.
func TestParseRowMatchesDecoding(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 17))
	for i := range 2000 {
		rd := &sheetsapi.RowData{}
		for range r.IntN(9) {
			c := randomCell(r)
			if r.IntN(5) == 0 {
				c.FormattedValue = "shown \"as\" \\ this"
				c.Note = "a note\n"
			}
			rd.Values = append(rd.Values, c)
		}
		b, err := json.Marshal(rd)
		if err != nil {
			t.Fatal(err)
		}
		if r.IntN(3) == 0 {
			b = []byte(strings.NewReplacer(",", " ,\n", ":", ": ", "{", "{ ").Replace(string(b)))
		}
		got, err := parseRow(b)
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, b)
		}
		var rj rowJSON
		if err := json.Unmarshal(b, &rj); err != nil {
			t.Fatal(err)
		}
		if want := rowCells(rj.Values); !sameRows([][]sheets.Cell{got}, [][]sheets.Cell{want}) {
			t.Fatalf("case %d:\n got %v\nwant %v\n%s", i, got, want, b)
		}
	}
	for _, bad := range []string{`{"values":[{"effectiveValue":{"numberValue":"1"}}]}`, `{"values":[`, `{"values":[{}]}x`,
		`{"values":[{"effectiveValue":{"stringValue":"a\`, `{"values":[{"effectiveValue":{"boolValue":tru}}]}`} {
		if _, err := parseRow([]byte(bad)); err == nil {
			t.Errorf("%s parsed without an error", bad)
		}
	}
}

// rowJSON and cellJSON are the parts of RowData and CellData the read asks for, decoded by
// reflection: the reference the hand parser is held to.
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

// TestKnownSectionsAreLeftUnparsedOnlyWhenAllAreAsKnown: the sums are the hashes of each
// tab's grid data exactly as the answer spelt it, whatever pieces it arrives in and whether
// the data comes before or after the tab's title; a read that
// knows them all leaves those tabs unparsed, and one that finds any different (or missing)
// parses every tab, giving what a read that knew nothing gives.
func TestKnownSectionsAreLeftUnparsedOnlyWhenAllAreAsKnown(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 17))
	for i := range 200 {
		all := func(string) bool { return true }
		if i%4 >= 2 {
			all = func(title string) bool { return !strings.HasSuffix(title, "1") }
		}
		body, err := json.Marshal(randomSpreadsheet(r))
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			// The API's order; json.Marshal's (a server that sorts keys) sends data first.
			body = propertiesFirst(t, body)
		}
		var raw struct {
			Sheets []struct {
				Properties struct{ Title string }
				Data       json.RawMessage
			}
		}
		if err := json.Unmarshal(body, &raw); err != nil {
			t.Fatal(err)
		}
		pieces := func() io.Reader {
			switch i % 3 {
			case 0:
				return iotest.OneByteReader(bytes.NewReader(body))
			case 1:
				return &choppy{r: bytes.NewReader(body), rand: r}
			}
			return bytes.NewReader(body)
		}
		full, err := decodeKnowing(pieces(), all, nil)
		if err != nil {
			t.Fatal(err)
		}
		known := map[string]string{}
		for _, sh := range raw.Sheets {
			if !all(sh.Properties.Title) {
				if _, ok := full.sums[sh.Properties.Title]; ok {
					t.Fatalf("case %d: a sum for %s, which the read did not want", i, sh.Properties.Title)
				}
				continue
			}
			if sh.Data == nil {
				if _, ok := full.sums[sh.Properties.Title]; ok {
					t.Fatalf("case %d: a sum for %s, which has no grid data", i, sh.Properties.Title)
				}
				continue
			}
			sum := sha256.Sum256(sh.Data)
			if got := full.sums[sh.Properties.Title]; got != hex.EncodeToString(sum[:]) {
				t.Fatalf("case %d: sum of %s is %s, want the SHA-256 of its data as sent", i, sh.Properties.Title, got)
			}
			if r.IntN(2) == 0 {
				known[sh.Properties.Title] = full.sums[sh.Properties.Title]
			}
		}
		if len(known) == 0 {
			continue
		}
		got, err := decodeKnowing(pieces(), all, known)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.same) != len(known) {
			t.Fatalf("case %d: same %v, want every known tab %v", i, got.same, known)
		}
		for title, rows := range full.tables {
			if _, skipped := known[title]; skipped {
				if _, ok := got.tables[title]; ok {
					t.Fatalf("case %d: known tab %s was parsed", i, title)
				}
			} else if !reflect.DeepEqual(got.tables[title], rows) {
				t.Fatalf("case %d: tab %s differs from the full read", i, title)
			}
		}
		// One known sum that is not the answer's: everything is parsed, as if nothing was known.
		for title := range known {
			flipped := "0"
			if known[title][0] == '0' {
				flipped = "1"
			}
			known[title] = flipped + known[title][1:]
			break
		}
		if r.IntN(3) == 0 {
			known["a tab that is not there"] = "00"
		}
		got, err = decodeKnowing(pieces(), all, known)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.same) != 0 || !reflect.DeepEqual(got.tables, full.tables) || !reflect.DeepEqual(got.sums, full.sums) {
			t.Fatalf("case %d: with a changed tab, same %v and the tables differ from a full read", i, got.same)
		}
	}
}

// TestSkipGridConsumesWhatSkipDoes: the fast skip of unparsed grid data ends exactly where
// the full one does, whatever pieces the answer comes in, and refuses a cut value.
func TestSkipGridConsumesWhatSkipDoes(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 17))
	for i := range 300 {
		ss := randomSpreadsheet(r)
		var data []*sheetsapi.GridData
		for _, sh := range ss.Sheets {
			data = append(data, sh.Data...)
		}
		raw, err := json.Marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		body := string(raw) + ` ,"after"`
		var reader io.Reader = strings.NewReader(body)
		if i%2 == 0 {
			reader = iotest.OneByteReader(reader)
		}
		p := newParser(reader)
		if err := p.skipGrid(); err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, raw)
		}
		if err := p.expect(','); err != nil {
			t.Fatalf("case %d: skipGrid did not stop at the value's end: %v", i, err)
		}
		if s, err := p.str(); err != nil || s != "after" {
			t.Fatalf("case %d: after the value: %q, %v", i, s, err)
		}
		if len(raw) > 2 {
			cut := 1 + r.IntN(len(raw)-1)
			if err := newParser(iotest.OneByteReader(strings.NewReader(string(raw[:cut])))).skipGrid(); err == nil {
				t.Fatalf("case %d: the value cut at byte %d of %d was skipped without an error", i, cut, len(raw))
			}
		}
	}
	for _, bad := range []string{`[}`, `[[]`, `{"a":"b\"}`, `["\\"`} {
		if err := newParser(strings.NewReader(bad)).skipGrid(); err == nil {
			t.Errorf("%q skipped without an error", bad)
		}
	}
}
