package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/internal/longtest"
	"github.com/partnermap/partnermap/sheets"
)

// shapeOf scans doc in chunks of size n.
func shapeOf(doc string, n int) (partShape, int) {
	s := &shapeScanner{}
	for i := 0; i < len(doc); i += n {
		_, _ = s.Write([]byte(doc[i:min(i+n, len(doc))]))
	}
	return s.shape, s.depth
}

func TestShapeScannerCountsWhatAnXMLParserSees(t *testing.T) {
	tests := []struct {
		name, doc       string
		elements, depth int64
		strings         int64
	}{
		{"plain", `<?xml version="1.0"?><sst count="2"><si><t>a</t></si><si/></sst>`, 4, 3, 2},
		{"namespaced", `<x:sst xmlns:x="u"><x:si><x:t>a</x:t></x:si></x:sst>`, 3, 3, 1},
		{"tags in comments, CDATA and attributes are not tags", `<a><!-- <b><c> --><![CDATA[<d></d>]]><e v="<f>" w='/>'/></a>`, 2, 2, 0},
		{"a processing instruction and a doctype", `<?pi <a> ?><!DOCTYPE x><a><b/></a>`, 2, 2, 0},
		{"self-closing with attributes and space", `<a><b x="1" /><c/><si /></a>`, 4, 2, 1},
		{"names starting with si are not si", `<a><sib/><sis></sis></a>`, 3, 2, 0},
		{"deep nesting", strings.Repeat("<ext>", 300) + strings.Repeat("</ext>", 300), 300, 300, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunk := range []int{1, 2, 3, 7, 1 << 20} {
				sh, depth := shapeOf(tc.doc, chunk)
				if sh.elements != tc.elements || int64(sh.depth) != tc.depth || sh.strings != tc.strings || depth != 0 {
					t.Errorf("chunks of %d: elements %d depth %d strings %d (open %d), want %d %d %d (0)",
						chunk, sh.elements, sh.depth, sh.strings, depth, tc.elements, tc.depth, tc.strings)
				}
			}
		})
	}
}

// FuzzShapeScanner checks the scan against encoding/xml on every document that parses:
// the same number of elements and the same depth, however the bytes are split.
func FuzzShapeScanner(f *testing.F) {
	for _, seed := range []string{
		`<a><b/><c x="1>2"><!-- <d> --><![CDATA[<e>]]></c></a>`,
		`<?xml version="1.0"?><sst><si><t>x</t><rPh><t>y</t></rPh></si><si/></sst>`,
		`<w:a xmlns:w="u"><w:si/><w:b w:x='"/>'/></w:a>`,
	} {
		f.Add(seed, uint8(3))
	}
	f.Fuzz(func(t *testing.T, doc string, split uint8) {
		d := xml.NewDecoder(strings.NewReader(doc))
		d.Strict = true
		var elements, sis int64
		depth, deepest := 0, 0
		for {
			tok, err := d.RawToken()
			if err == io.EOF {
				break
			}
			if err != nil {
				return // not XML a spreadsheet program writes: the real parsers refuse it
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				elements++
				if tok.Name.Local == "si" {
					sis++
				}
				depth++
				deepest = max(deepest, depth)
			case xml.EndElement:
				depth--
			case xml.Directive:
				if strings.ContainsAny(string(tok), "<>\"'") {
					return // a DTD with markup inside: spreadsheet parts have none
				}
			}
		}
		if depth != 0 {
			return
		}
		sh, open := shapeOf(doc, int(split)+1)
		if sh.elements != elements || sh.depth != deepest || sh.strings != sis || open != 0 {
			t.Fatalf("scan: elements %d depth %d si %d open %d; encoding/xml: %d %d %d", sh.elements, sh.depth, sh.strings, open, elements, deepest, sis)
		}
	})
}

// hostilePart rebuilds the workbook at path with part name's content streamed by gen
// (and extra empty entries), so that a part of hundreds of megabytes is never held in
// the test's memory.
func hostilePart(t *testing.T, path, name string, gen func(w io.Writer) error, emptyEntries int) {
	t.Helper()
	data := readFile(t, path)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	out, err := os.Create(path + ".new")
	must(t, err)
	zw := zip.NewWriter(out)
	for _, zf := range zr.File {
		if zf.Name != name {
			must(t, zw.Copy(zf))
			continue
		}
		w, err := zw.Create(zf.Name)
		must(t, err)
		must(t, gen(w))
	}
	for i := 0; i < emptyEntries; i++ {
		_, err := zw.CreateHeader(&zip.FileHeader{Name: "e/" + strconv.Itoa(i), Method: zip.Store})
		must(t, err)
	}
	must(t, zw.Close())
	must(t, out.Close())
	must(t, os.Rename(path+".new", path))
}

// repeat writes s n times, then end.
func repeat(w io.Writer, start, s string, n int, end string) error {
	if _, err := io.WriteString(w, start); err != nil {
		return err
	}
	chunk := []byte(strings.Repeat(s, 64<<10/len(s)))
	per := len(chunk) / len(s)
	for n > 0 {
		k := min(n, per)
		if _, err := w.Write(chunk[:k*len(s)]); err != nil {
			return err
		}
		n -= k
	}
	_, err := io.WriteString(w, end)
	return err
}

// heapGuard fails the whole test binary, at once, when the heap passes limit: a
// regression of these tests would otherwise take the machine's memory (the attacks
// took 4.7 to 13.7 GB) before any assertion ran.
func heapGuard(t *testing.T, limit uint64) (stop func()) {
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > limit {
					fmt.Fprintf(os.Stderr, "FAIL %s: the heap passed %d MiB: the hostile workbook is being parsed, not refused\n", t.Name(), limit>>20)
					os.Exit(1)
				}
			}
		}
	}()
	return func() { close(done) }
}

// hostileCases are the attacks of issue 16 at a scale: n is the full attack's, small
// the default run's (still far past every limit).
func hostileCases() []struct {
	name, part, want string
	full, small      int
	gen              func(n int) func(io.Writer) error
	entries          bool
} {
	return []struct {
		name, part, want string
		full, small      int
		gen              func(n int) func(io.Writer) error
		entries          bool
	}{
		{"millions of empty shared strings", "xl/sharedStrings.xml", "shared strings", 150_000_000, 10_000_000,
			func(n int) func(io.Writer) error {
				return func(w io.Writer) error {
					return repeat(w, `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, "<si/>", n, "</sst>")
				}
			}, false},
		{"20 million nested <ext> in the workbook part", "xl/workbook.xml", "nest", 20_000_000, 1_000_000,
			func(n int) func(io.Writer) error {
				return func(w io.Writer) error {
					err := repeat(w, `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" `+
						`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Partners" sheetId="1" r:id="rId1"/></sheets><extLst>`,
						"<ext>", n, "")
					if err == nil {
						err = repeat(w, "", "</ext>", n, "</extLst></workbook>")
					}
					return err
				}
			}, false},
		{"20 million <xf/> in the styles part", "xl/styles.xml", "elements", 20_000_000, 3_000_000,
			func(n int) func(io.Writer) error {
				return func(w io.Writer) error {
					return repeat(w, `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`,
						"<xf/>", n, "</cellXfs></styleSheet>")
				}
			}, false},
		{"500,000 empty zip entries", "", "parts", 500_000, 20_000, nil, true},
	}
}

func TestHostileSmallWorkbooksAreRefusedBeforeExcelizeSeesThem(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) { runHostile(t, tc.part, tc.want, tc.small, tc.gen, tc.entries) })
	}
}

func TestHostileWorkbooksAtTheAttacksFullScale(t *testing.T) {
	longtest.Skip(t, "builds workbooks of up to 750 MB unpacked")
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) { runHostile(t, tc.part, tc.want, tc.full, tc.gen, tc.entries) })
	}
}

func runHostile(t *testing.T, part, want string, n int, gen func(int) func(io.Writer) error, entries bool) {
	path := inputFixture(t)
	if entries {
		hostilePart(t, path, "", nil, n)
	} else {
		hostilePart(t, path, part, gen(n), 0)
	}
	info, err := os.Stat(path)
	must(t, err)

	stop := heapGuard(t, 1<<30)
	defer stop()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err = New(path, Options{}).Read(ctx, []string{"Partners"})
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooBig) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "crafted") {
		t.Fatalf("err = %v, want ErrTooBig saying %q", err, want)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("RELIABILITY hostile: %s KiB file refused in %s, %d MiB allocated: %v",
		strconv.FormatInt(info.Size()>>10, 10), took.Round(time.Millisecond), alloc>>20, err)
	if alloc > 64<<20 {
		t.Errorf("refusing it allocated %d MiB: it was parsed, not refused up front", alloc>>20)
	}
}

func TestATabTooLargeToEditInMemoryIsRefusedByAddValidation(t *testing.T) {
	path := inputFixture(t)
	hostilePart(t, path, "xl/worksheets/sheet1.xml", func(w io.Writer) error {
		return repeat(w, `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
			`<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>`, "<c/>", maxEditedSheetElements+1000, "</row></sheetData></worksheet>")
	}, 0)
	before := readFile(t, path)
	stop := heapGuard(t, 1<<30)
	defer stop()
	// A sync reads it with partnermap's own scanner: fine.
	if _, err := New(path, Options{}).Read(ctx, []string{"Partners"}); err != nil {
		t.Fatalf("read: %v", err)
	}
	_, err := New(path, Options{}).AddValidation(ctx, []sheets.InputTab{{Name: "Partners", Header: []string{"Name", "Stance"},
		Validations: []sheets.Validation{{Col: 1, Values: []string{"Supports", "Opposes"}}}}})
	if !errors.Is(err, ErrTooBig) || !strings.Contains(err.Error(), "spreadsheet program") {
		t.Fatalf("err = %v, want ErrTooBig saying to add them in a spreadsheet program", err)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("the workbook was changed")
	}
}

// TestShapeScannerWriteIsStepByStep: Write, which skips text, attribute values and end tags
// at memchr speed, leaves the scanner as stepping through every byte would, on any bytes
// (XML or not) split anywhere, including where a budget stops it.
func TestShapeScannerWriteIsStepByStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	pieces := []string{"<", ">", "/", "/>", "</", `"`, "'", " ", "a", "si", "x:", "=", "<!--", "-->", "<![CDATA[", "]]>",
		"<?", "?>", "<!DOCTYPE", "<c r=\"A1\" t=\"s\">", "<v>12</v>", "</c>", "<row r='3'>", "\n", "&amp;"}
	for i := 0; i < 3000; i++ {
		var doc []byte
		for n := rng.IntN(60); n > 0; n-- {
			doc = append(doc, pieces[rng.IntN(len(pieces))]...)
		}
		limit := int64(1 + rng.IntN(40))
		over := func(sh partShape) bool { return i%3 == 0 && sh.elements > limit }
		want := &shapeScanner{over: over}
		for _, c := range doc {
			if want.stop {
				break
			}
			want.step(c)
		}
		got := &shapeScanner{over: over}
		for rest := doc; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(8))
			if _, err := got.Write(rest[:n]); err != nil {
				break
			}
			rest = rest[n:]
		}
		got.over, want.over = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: Write left %+v, stepping %+v", doc, *got, *want)
		}
	}
}

// withClaim copies the workbook at path with part's header claiming unpacked and packed
// sizes (0: as it was), its data descriptor flag cleared so that the claim is all a reader
// has to go by.
func withClaim(t *testing.T, path, part string, unpacked, packed uint64) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		if f.Name != part {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		found = true
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(raw)
		if err != nil {
			t.Fatal(err)
		}
		fh := f.FileHeader
		fh.Flags &^= 0x8
		if unpacked > 0 {
			fh.UncompressedSize64 = unpacked
		}
		if packed > 0 {
			fh.CompressedSize64 = packed
		}
		w, err := zw.CreateRaw(&fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if !found {
		t.Fatalf("%s has no part %s", path, part)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir() + "/claim.xlsx"
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// A part's header is the file's word about its sizes, and buffers are sized from it: a claim
// the file cannot hold is refused before anything is allocated for it (a 12 KB workbook
// claiming 900 MiB of packed styles had a read allocate 905 MiB; 2^62 made it panic).
func TestPartsClaimingMoreThanTheFileHoldsAreRefusedUnallocated(t *testing.T) {
	for _, tc := range []struct {
		name, part       string
		unpacked, packed uint64
	}{
		{"styles claiming 900 MiB packed", "xl/styles.xml", 0, 900 << 20},
		{"styles claiming 2^62 bytes packed", "xl/styles.xml", 0, 1 << 62},
		{"shared strings claiming 1000 MiB from 60 MiB packed", "xl/sharedStrings.xml", 1000 << 20, 60 << 20},
		{"shared strings claiming 1000 MiB from their true packed size", "xl/sharedStrings.xml", 1000 << 20, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := withClaim(t, "../../testdata/campaigns.xlsx", tc.part, tc.unpacked, tc.packed)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := New(path, Options{}).Read(t.Context(), []string{"Partners", "Meetings"})
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrNotWorkbook) || !strings.Contains(err.Error(), tc.part) {
				t.Errorf("read: %v, want the part named as damaged (ErrNotWorkbook)", err)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
				t.Errorf("allocated %d MiB refusing a 12 KB workbook", got>>20)
			}
		})
	}
}
