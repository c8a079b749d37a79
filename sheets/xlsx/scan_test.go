package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseSheet feeds arbitrary worksheet XML to the parser: it may refuse
// it, but must not panic or hang.
func FuzzParseSheet(f *testing.F) {
	f.Add([]byte(sheetXML(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>46349</v></c></row>`)))
	f.Add([]byte(sheetXML(`<row><c t="inlineStr"><is><r><t>a</t></r><rPh><t>b</t></rPh></is></c><c t="b"><v>1</v></c></row>`)))
	f.Add([]byte(`<x:worksheet><x:sheetData><x:row r="3"><x:c r="XFD3" t="d"><x:v>2026-11-23</x:v></x:c></x:row></x:sheetData></x:worksheet>`))
	f.Add([]byte(`<sheetData><row r="1"><c r="A1"><v><![CDATA[1]]></v></c><!-- x --></row></sheetData>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &sheetParser{sst: []string{"zero"}, isDate: []bool{false, true}, budget: newCellBudget(1 << 16)}
		rows, err := p.parse(data)
		if err != nil {
			return
		}
		for _, row := range rows {
			if len(row) > maxColumns {
				t.Fatalf("row of %d cells", len(row))
			}
		}
	})
}

// FuzzInlineText checks the scanner reads text exactly as encoding/xml does.
func FuzzInlineText(f *testing.F) {
	for _, s := range []string{"plain", "a & b < c > d", "line\r\nbreak\rx", "tab\there", "ünï ✓", " lead", "&amp;literal", "]]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var esc bytes.Buffer
		if err := xml.EscapeText(&esc, []byte(s)); err != nil {
			return
		}
		doc := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">` + esc.String() + `</t></is></c></row></sheetData></worksheet>`
		var want struct {
			T string `xml:"sheetData>row>c>is>t"`
		}
		if err := xml.Unmarshal([]byte(doc), &want); err != nil {
			return
		}
		p := &sheetParser{budget: newCellBudget(10)}
		rows, err := p.parse([]byte(doc))
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		got := ""
		if len(rows) > 0 && len(rows[0]) > 0 {
			got = rows[0][0].Text
		}
		if wantText := string(unescapeOOXML([]byte(want.T))); got != wantText {
			t.Errorf("read %q, encoding/xml reads %q", got, wantText)
		}
	})
}

func TestParseSharedStrings(t *testing.T) {
	data := `<?xml version="1.0"?><sst xmlns="` + nsMain + `" count="4" uniqueCount="4">` +
		`<si><t>one</t></si><si><t/></si><si><r><t>t</t></r><r><rPr><i/></rPr><t>wo</t></r></si>` +
		`<si><t>x_x005F_y</t><rPh><t>ignored</t></rPh><phoneticPr fontId="1"/></si></sst>`
	got, err := parseSharedStrings([]byte(data))
	must(t, err)
	if want := []string{"one", "", "two", "x_y"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRefColumn(t *testing.T) {
	tests := []struct {
		ref  string
		col  int
		okay bool
	}{
		{"A1", 1, true}, {"Z9", 26, true}, {"AA10", 27, true}, {"XFD1048576", 16384, true},
		{"XFE1", 0, false}, {"1A", 0, false}, {"", 0, false}, {"AB", 0, false},
	}
	for _, tc := range tests {
		col, ok := refColumn([]byte(tc.ref))
		if col != tc.col || ok != tc.okay {
			t.Errorf("refColumn(%q) = %d, %v; want %d, %v", tc.ref, col, ok, tc.col, tc.okay)
		}
	}
}

func TestReuseWriterPutsHeldTabsBackAndRefusesToChangeThem(t *testing.T) {
	orig := zipOf(t, map[string]string{
		"xl/worksheets/sheet1.xml": "<volunteer tab/>",
		"xl/worksheets/sheet2.xml": "<old output/>",
		"xl/worksheets/sheet3.xml": "<never written/>",
	})
	zr, err := zip.NewReader(bytes.NewReader(orig), int64(len(orig)))
	must(t, err)
	held := map[string]*zip.File{}
	for _, zf := range zr.File {
		held[zf.Name] = zf
	}
	rewritable := map[string]bool{"xl/worksheets/sheet2.xml": true}

	tests := []struct {
		name    string
		writes  map[string]string
		want    map[string]string
		wantErr string
	}{
		{
			name:   "stand-ins are replaced by the original parts; rewritable parts take new content",
			writes: map[string]string{"xl/worksheets/sheet1.xml": string(heldStub), "xl/worksheets/sheet2.xml": "<new output/>"},
			want: map[string]string{"xl/worksheets/sheet1.xml": "<volunteer tab/>", "xl/worksheets/sheet2.xml": "<new output/>",
				"xl/worksheets/sheet3.xml": "<never written/>"},
		},
		{
			name:    "an edited stand-in of a held tab is refused",
			writes:  map[string]string{"xl/worksheets/sheet1.xml": string(heldStub[:len(heldStub)-1]) + "X"},
			wantErr: "must not change",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			rw := newReuseWriter(&out, zr, held, rewritable)
			var err error
			for name, content := range tc.writes {
				var e interface{ Write([]byte) (int, error) }
				if e, err = rw.Create(name); err != nil {
					break
				}
				if _, err = e.Write([]byte(content)); err != nil {
					break
				}
			}
			if cerr := rw.Close(); err == nil {
				err = cerr
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			must(t, err)
			path := filepath.Join(t.TempDir(), "out.zip")
			must(t, os.WriteFile(path, out.Bytes(), 0o644))
			got := map[string]string{}
			for n, b := range partBytes(t, path) {
				got[n] = string(b)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("archive holds %q, want %q", got, tc.want)
			}
		})
	}
}
