package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// piecesSource hands out data in pieces of random length (1 to max bytes), each copied into
// one buffer that is overwritten before the next piece, as a stream reuses its chunks: a
// parser that kept a piece past the next call reads garbage.
type piecesSource struct {
	data []byte
	rng  *rand.Rand
	max  int
	buf  []byte
}

func (s *piecesSource) next() ([]byte, error) {
	for i := range s.buf {
		s.buf[i] = '#'
	}
	if len(s.data) == 0 {
		return nil, io.EOF
	}
	n := min(len(s.data), 1+s.rng.IntN(s.max))
	s.buf = append(s.buf[:0], s.data[:n]...)
	s.data = s.data[n:]
	return s.buf, nil
}

// randomSheet writes a worksheet of awkward cells: shared, inline and rich strings, dates
// in either system, booleans, ISO dates, errors, formulas with cached values, entities,
// CDATA, comments, namespace prefixes, rows and cells without references, gaps, and now
// and then a long row; broken, when asked, in one of the ways a parser must refuse.
func randomSheet(rng *rand.Rand, rows, nStrings int, broken bool) string {
	var b strings.Builder
	px := ""
	if rng.IntN(4) == 0 {
		px = "x:"
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<` + px + `worksheet xmlns` + strings.TrimSuffix(":"+px, ":") + `="` + nsMain + `"><` + px + `dimension ref="A1:C9"/>`)
	b.WriteString(`<` + px + `sheetData>`)
	breakAt := -1
	if broken {
		breakAt = rng.IntN(rows + 1)
	}
	r := 0
	for i := 0; i < rows; i++ {
		r += 1 + rng.IntN(3)/2*rng.IntN(5)
		if i == breakAt {
			switch rng.IntN(4) {
			case 0:
				fmt.Fprintf(&b, `<%srow r="%d"><%sc r="1A"><%sv>1</%sv></%sc></%srow>`, px, r, px, px, px, px, px)
			case 1:
				fmt.Fprintf(&b, `<%srow r="%d"/>`, px, r-1)
			case 2:
				fmt.Fprintf(&b, `<%srow r="%d"><%sc t="s"><%sv>%d</%sv></%sc></%srow>`, px, r, px, px, nStrings, px, px, px)
			default:
				fmt.Fprintf(&b, `<%srow r="%d"><%sc><%sv>1</%sv>`, px, r, px, px, px)
				return b.String() // cut off
			}
			continue
		}
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, `<%srow>`, px)
		} else {
			fmt.Fprintf(&b, `<%srow r="%d" spans="1:5">`, px, r)
		}
		cells := rng.IntN(8)
		if rng.IntN(40) == 0 {
			cells = 500 + rng.IntN(3000)
		}
		col := 0
		for c := 0; c < cells; c++ {
			col += 1 + rng.IntN(4)/3*rng.IntN(3)
			ref := ""
			if rng.IntN(4) != 0 {
				ref = ` r="` + colName(col) + strconv.Itoa(r) + `"`
			}
			v := func(s string) string { return `<` + px + `v>` + s + `</` + px + `v>` }
			switch rng.IntN(14) {
			case 0:
				fmt.Fprintf(&b, `<%sc%s t="s">%s</%sc>`, px, ref, v(strconv.Itoa(rng.IntN(nStrings))), px)
			case 1:
				fmt.Fprintf(&b, `<%sc%s t="inlineStr"><%sis><%st>a &amp; b &lt;%d&gt; _x000D_ &#x41;&#66;</%st></%sis></%sc>`, px, ref, px, px, rng.IntN(100), px, px, px)
			case 2:
				rich := `<c` + ref + ` t="inlineStr"><is><r><t>ri</t></r><r><rPr><b/></rPr><t xml:space="preserve"> ch </t></r><rPh><t>ph</t></rPh></is></c>`
				b.WriteString(prefixed(rich, px))
			case 3:
				fmt.Fprintf(&b, `<%sc%s s="1">%s</%sc>`, px, ref, v(strconv.Itoa(40000+rng.IntN(10000))), px)
			case 4:
				fmt.Fprintf(&b, `<%sc%s s="1">%s</%sc>`, px, ref, v(strconv.FormatFloat(40000+rng.Float64()*10000, 'f', -1, 64)), px)
			case 5:
				fmt.Fprintf(&b, `<%sc%s t="b">%s</%sc>`, px, ref, v(strconv.Itoa(rng.IntN(2))), px)
			case 6:
				fmt.Fprintf(&b, `<%sc%s t="d">%s</%sc>`, px, ref, v("2026-11-23T10:30:00"), px)
			case 7:
				fmt.Fprintf(&b, `<%sc%s t="e">%s</%sc>`, px, ref, v("#N/A"), px)
			case 8:
				fmt.Fprintf(&b, `<%sc%s t="str"><%sf>A1&amp;"x"</%sf>%s</%sc>`, px, ref, px, px, v("cached &quot;v&quot;"), px)
			case 9:
				fmt.Fprintf(&b, `<%sc%s>%s</%sc><!-- a comment </row> -->`, px, ref, v("<![CDATA[12.5]]>"), px)
			case 10:
				fmt.Fprintf(&b, `<%sc%s s="2"/>`, px, ref)
			case 11:
				fmt.Fprintf(&b, "<%sc%s>\n  %s\n</%sc>", px, ref, v(" -3.25E+2 "), px)
			default:
				fmt.Fprintf(&b, `<%sc%s>%s</%sc>`, px, ref, v(strconv.Itoa(rng.IntN(1000000))), px)
			}
		}
		fmt.Fprintf(&b, `</%srow>`, px)
	}
	fmt.Fprintf(&b, `</%ssheetData><%spageMargins left="0.7"/></%sworksheet>`, px, px, px)
	return b.String()
}

// prefixed gives every tag of x the namespace prefix px.
func prefixed(x, px string) string {
	var b strings.Builder
	for i := 0; i < len(x); i++ {
		b.WriteByte(x[i])
		if x[i] == '<' {
			if i+1 < len(x) && x[i+1] == '/' {
				i++
				b.WriteByte('/')
			}
			b.WriteString(px)
		}
	}
	return b.String()
}

func colName(col int) string {
	name := ""
	for ; col > 0; col = (col - 1) / 26 {
		name = string(rune('A'+(col-1)%26)) + name
	}
	return name
}

// TestParseFromAnyChunksReadsAsWhole: a worksheet parsed as it streams, in pieces cut
// anywhere (a byte at a time, or at random), reads to exactly the rows of the whole part
// parsed at once, or fails with the same error.
func TestParseFromAnyChunksReadsAsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 3))
	sst := make([]string, 50)
	for i := range sst {
		sst[i] = "shared " + strconv.Itoa(i)
	}
	for i := 0; i < 300; i++ {
		doc := []byte(randomSheet(rng, rng.IntN(40), len(sst), i%3 == 0))
		for _, date1904 := range []bool{false, true} {
			newParser := func(budget int) *sheetParser {
				return &sheetParser{sst: sst, isDate: []bool{false, true, false}, date1904: date1904, budget: newCellBudget(budget)}
			}
			budget := 1 << 20
			if i%7 == 0 {
				budget = rng.IntN(200) // past the cell limit somewhere
			}
			want, wantErr := newParser(budget).parse(doc)
			for _, maxPiece := range []int{1, 2, 7, 64, 4096} {
				src := &piecesSource{data: doc, rng: rand.New(rand.NewPCG(uint64(i), uint64(maxPiece))), max: maxPiece}
				p := newParser(budget)
				stop := make(chan struct{})
				if maxPiece == 7 {
					p.slabs = touchSlabs(stop) // cells in slabs made ahead, as for a large tab
				}
				got, err := p.parseFrom(src)
				close(stop)
				if fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Fatalf("sheet %d in pieces of up to %d bytes: err = %v, want %v\n%s", i, maxPiece, err, wantErr, doc)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("sheet %d in pieces of up to %d bytes: rows differ from the whole part's\n got %v\nwant %v\n%s", i, maxPiece, got, want, doc)
				}
			}
		}
	}
}

// tabsBook writes a workbook of the named worksheets (in that order) and shared strings,
// part by part, and returns its path.
func tabsBook(t testing.TB, names []string, sheetsXML map[string]string, sst string, date1904 bool) string {
	t.Helper()
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	var types, sheetList, rels strings.Builder
	parts := map[string]string{}
	for i, name := range names {
		part := "worksheets/sheet" + strconv.Itoa(i+1) + ".xml"
		types.WriteString(`<Override PartName="/xl/` + part + `" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
		fmt.Fprintf(&sheetList, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, name, i+1, i+10)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="%s"/>`, i+10, part)
		parts["xl/"+part] = sheetsXML[name]
	}
	parts["[Content_Types].xml"] = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` + types.String() +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	parts["_rels/.rels"] = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	parts["xl/workbook.xml"] = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="` + nsMain + `" xmlns:r="` + nsRels + `">` + pr +
		`<sheets>` + sheetList.String() + `</sheets></workbook>`
	parts["xl/_rels/workbook.xml.rels"] = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	parts["xl/styles.xml"] = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="` + nsMain + `"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>` +
		`<fonts count="1"><font><sz val="11"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
		`<borders count="1"><border/></borders><cellXfs><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="2"/></cellXfs></styleSheet>`
	parts["xl/sharedStrings.xml"] = sst
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// The worksheets last, in reverse, so that archive order is not tab order.
	order := []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml"}
	for i := len(names); i >= 1; i-- {
		order = append(order, "xl/worksheets/sheet"+strconv.Itoa(i)+".xml")
	}
	for _, name := range order {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte(parts[name]))
		must(t, err)
	}
	must(t, zw.Close())
	path := filepath.Join(t.TempDir(), "tabs.xlsx")
	must(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

// TestAStreamedReadIsTheReadOfWholeParts: a read, its tabs parsed as they stream and at
// once, yields exactly the cells of every part unpacked whole and parsed in turn, and fails
// with the same error: of several broken tabs, the first in tab order, whichever finished
// first; past the cell limit, the tab the limit is passed in, counting in tab order.
func TestAStreamedReadIsTheReadOfWholeParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 17))
	names := []string{"Partners", "Assets", "Meetings", "Members"}
	for i := 0; i < 24; i++ {
		var sst strings.Builder
		sst.WriteString(`<?xml version="1.0"?><sst xmlns="` + nsMain + `">`)
		nStrings := 1 + rng.IntN(60)
		for j := 0; j < nStrings; j++ {
			fmt.Fprintf(&sst, `<si><t>s%d &amp; _x0041_</t></si>`, j)
			if j%9 == 0 {
				sst.WriteString(`<si><r><t>ri</t></r><r><t>ch</t></r></si>`)
				j++
			}
		}
		sst.WriteString(`</sst>`)
		xml := map[string]string{}
		for k, name := range names {
			rows := rng.IntN(30)
			if k == 2 {
				rows = 50 + rng.IntN(600) // Meetings: the largest, parsed first
			}
			xml[name] = randomSheet(rng, rows, nStrings, rng.IntN(5) == 0)
		}
		date1904 := rng.IntN(2) == 0
		path := tabsBook(t, names, xml, sst.String(), date1904)
		maxCells := 1 << 24
		if i%4 == 3 {
			maxCells = rng.IntN(20000)
		}
		asked := names
		if i%5 == 4 {
			asked = []string{"Meetings", "Partners", "Assets"}
		}
		want, wantErr := wholeRead(t, path, names, asked, maxCells, date1904)
		for _, procs := range []int{1, 2, 4} {
			old := runtime.GOMAXPROCS(procs)
			snap, err := New(path, Options{MaxCells: maxCells}).Read(ctx, asked)
			runtime.GOMAXPROCS(old)
			if wantErr != "" || err != nil {
				if fmt.Sprint(err) != wantErr {
					t.Fatalf("workbook %d, %d cores: err = %v\nwant %s", i, procs, err, wantErr)
				}
				continue
			}
			for _, name := range asked {
				if got := snap.Tables[name].Rows; !reflect.DeepEqual(got, want[name]) {
					t.Fatalf("workbook %d, %d cores: tab %s differs from its whole part parsed alone", i, procs, name)
				}
			}
		}
	}
}

// wholeRead is what a read of the tabs asked of a tabsBook of all must come to: every part
// unpacked whole and parsed alone, the tabs one after another in the order asked, with one
// cell budget.
func wholeRead(t *testing.T, path string, all, asked []string, maxCells int, date1904 bool) (map[string][][]Cell, string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	must(t, err)
	defer zr.Close()
	parts := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		must(t, err)
		parts[zf.Name], err = io.ReadAll(rc)
		must(t, err)
		rc.Close()
	}
	sst, err := parseSharedStrings(parts["xl/sharedStrings.xml"])
	if err != nil {
		return nil, fmt.Sprintf("read shared strings of %s: %v", path, err)
	}
	budget := newCellBudget(maxCells)
	out := map[string][][]Cell{}
	for _, name := range asked {
		p := &sheetParser{sst: sst, isDate: []bool{false, true, false}, date1904: date1904, budget: budget}
		rows, err := p.parse(parts["xl/worksheets/sheet"+strconv.Itoa(slices.Index(all, name)+1)+".xml"])
		if errors.Is(err, errTooManyCells) {
			return nil, fmt.Sprintf("read tab %q of %s: more than %d cells in the tabs read (Options.MaxCells): "+
				"delete unused rows and columns, or raise the limit: %v", name, path, maxCells, ErrTooBig)
		}
		if err != nil {
			return nil, fmt.Sprintf("read tab %q of %s: %v", name, path, err)
		}
		out[name] = rows
	}
	return out, ""
}

// TestARefusedPartIsReportedBeforeAnyParseError: as when every part was checked before any
// tab was parsed, a damaged part is the error of a read, also when a tab before it fails to
// parse, and of two damaged parts the first in the archive.
func TestARefusedPartIsReportedBeforeAnyParseError(t *testing.T) {
	names := []string{"Partners", "Assets", "Meetings"}
	rng := rand.New(rand.NewPCG(1, 2))
	xml := map[string]string{
		"Partners": sheetXML(`<row r="2"><c r="A2"><v>1</v></c></row><row r="1"/>`), // out of order
		"Assets":   randomSheet(rng, 50, 1, false),
		"Meetings": randomSheet(rng, 2000, 1, false),
	}
	sst := `<sst xmlns="` + nsMain + `"><si><t>x</t></si></sst>`
	for _, tc := range []struct {
		name    string
		damaged []string
		want    string
	}{
		{"the parse error, when no part is damaged", nil, `read tab "Partners"`},
		{"a damaged tab after the broken one", []string{"xl/worksheets/sheet2.xml"}, "part xl/worksheets/sheet2.xml is damaged"},
		{"the first damaged part in the archive", []string{"xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"}, "part xl/worksheets/sheet3.xml is damaged"},
		{"damaged shared strings", []string{"xl/sharedStrings.xml"}, "part xl/sharedStrings.xml is damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tabsBook(t, names, xml, sst, false)
			parts := partBytes(t, path)
			damage := map[string]rawPart{}
			for _, name := range tc.damaged {
				damage[name] = rawPart{content: parts[name], badCRC: true}
			}
			must(t, os.WriteFile(path, rawZip(t, path, damage), 0o644))
			for _, procs := range []int{1, 2} {
				old := runtime.GOMAXPROCS(procs)
				_, err := New(path, Options{}).Read(ctx, names)
				runtime.GOMAXPROCS(old)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%d cores: err = %v, want it to say %q", procs, err, tc.want)
				}
				if tc.damaged != nil && !errors.Is(err, ErrNotWorkbook) {
					t.Errorf("%d cores: err = %v, want ErrNotWorkbook", procs, err)
				}
			}
		})
	}
}
