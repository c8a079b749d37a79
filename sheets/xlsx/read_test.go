package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

const (
	nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// rawBook describes a workbook written part by part, to reach XML that excelize
// itself never writes (other programs' prefixes, rich strings, cached formula
// values, t="d" cells).
type rawBook struct {
	sheet    string // the whole worksheet part
	sst      string // the whole shared-strings part; "" for none
	numFmts  string // <numFmt> elements
	cellXfs  string // <xf> elements; style 0 first
	date1904 bool
}

func (b rawBook) save(t testing.TB) string {
	t.Helper()
	pr := ""
	if b.date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	xfs := b.cellXfs
	if xfs == "" {
		xfs = `<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>`
	}
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="` + nsMain + `" xmlns:r="` + nsRels + `">` + pr +
			`<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/styles.xml": `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="` + nsMain + `"><numFmts>` + b.numFmts + `</numFmts>` +
			`<fonts count="1"><font><sz val="11"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
			`<borders count="1"><border/></borders><cellXfs>` + xfs + `</cellXfs></styleSheet>`,
		"xl/worksheets/sheet1.xml": b.sheet,
	}
	if b.sst != "" {
		parts["xl/sharedStrings.xml"] = b.sst
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range parts {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte(content))
		must(t, err)
	}
	must(t, zw.Close())
	path := filepath.Join(t.TempDir(), "raw.xlsx")
	must(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

func sheetXML(data string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRels + `"><sheetData>` + data + `</sheetData></worksheet>`
}

func TestReadCellsAsOtherProgramsWriteThem(t *testing.T) {
	dateStyle := `<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>`
	tests := []struct {
		name string
		book rawBook
		want [][]string
	}{
		{
			name: "shared strings, rich runs without their phonetic guide, and _xHHHH_ escapes",
			book: rawBook{
				sheet: sheetXML(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`),
				sst: `<sst xmlns="` + nsMain + `" count="3" uniqueCount="3"><si><t>plain</t></si>` +
					`<si><r><rPr><b/></rPr><t>bold </t></r><r><t xml:space="preserve">and not</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>` +
					`<si><t>line_x000D_break &amp; &lt;tag&gt; &#233;</t></si></sst>`,
			},
			want: [][]string{{"text:plain", "text:bold and not", "text:line\rbreak & <tag> é"}},
		},
		{
			name: "namespace prefixes are ignored",
			book: rawBook{sheet: `<?xml version="1.0"?><x:worksheet xmlns:x="` + nsMain + `"><x:sheetData>` +
				`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>prefixed</x:t></x:is></x:c><x:c r="B1"><x:v>7</x:v></x:c></x:row>` +
				`</x:sheetData></x:worksheet>`},
			want: [][]string{{"text:prefixed", "number:7"}},
		},
		{
			name: "cells and rows without references follow the one before",
			book: rawBook{sheet: sheetXML(`<row><c><v>1</v></c><c><v>2</v></c></row><row><c t="inlineStr"><is><t>x</t></is></c></row>`)},
			want: [][]string{{"number:1", "number:2"}, {"text:x"}},
		},
		{
			name: "formula cells give their cached value",
			book: rawBook{sheet: sheetXML(`<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>` +
				`<c r="C1" t="b"><f>TRUE()</f><v>1</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="E1"><f>NOW()</f></c></row>`)},
			want: [][]string{{"number:2", "text:ab", "bool:TRUE", "text:#DIV/0!"}},
		},
		{
			name: "booleans, ISO dates and date-styled numbers",
			book: rawBook{
				cellXfs: dateStyle,
				sheet: sheetXML(`<row r="1"><c r="A1" t="b"><v>0</v></c><c r="B1" t="d"><v>2026-11-23T00:00:00Z</v></c>` +
					`<c r="C1" s="1"><v>46349</v></c><c r="D1" s="1"><v>46349.5</v></c><c r="E1"><v>46349</v></c></row>`),
			},
			want: [][]string{{"bool:FALSE", "date:2026-11-23", "date:2026-11-23", "date:2026-11-23 12:00", "number:46349"}},
		},
		{
			name: "dates of the 1904 date system",
			book: rawBook{cellXfs: dateStyle, date1904: true, sheet: sheetXML(`<row r="1"><c r="A1" s="1"><v>44887</v></c></row>`)},
			want: [][]string{{"date:2026-11-23"}},
		},
		{
			name: "blank and styled-only cells leave gaps, empty rows stay as rows",
			book: rawBook{cellXfs: dateStyle, sheet: sheetXML(`<row r="1"><c r="A1" s="1"/><c r="C1" t="inlineStr"><is><t>c</t></is></c><c r="D1" s="1"/></row>` +
				`<row r="2"/><row r="4"><c r="B4"><v>4</v></c></row><row r="9"><c r="A9" s="1"/></row>`)},
			want: [][]string{{"blank:", "blank:", "text:c"}, {}, {}, {"blank:", "number:4"}},
		},
		{
			name: "CDATA, comments and entities in text",
			book: rawBook{sheet: sheetXML(`<!-- a comment --><row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<raw> & ]]>&quot;q&apos;</t></is></c></row>`)},
			want: [][]string{{`text:<raw> & "q'`}},
		},
		{
			name: "an empty string is blank",
			book: rawBook{sheet: sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t></t></is></c><c r="B1" t="str"><v></v></c><c r="C1"><v>1</v></c></row>`)},
			want: [][]string{{"blank:", "blank:", "number:1"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := New(tc.book.save(t), Options{})
			snap := mustRead(t, w, "Data")
			got := grid(snap.Tables["Data"].Rows)
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			for i := range got {
				if got[i] == nil {
					got[i] = []string{}
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestReadDetectsDatesByNumberFormat(t *testing.T) {
	custom := func(code string) *excelize.Style { return &excelize.Style{CustomNumFmt: &code} }
	builtin := func(id int) *excelize.Style { return &excelize.Style{NumFmt: id} }
	tests := []struct {
		name  string
		style *excelize.Style
		value any
		want  string
	}{
		{"built-in 14 (m/d/yyyy) is a date", builtin(14), 46349, "date:2026-11-23"},
		{"built-in 22 (m/d/yy h:mm) is a date-time", builtin(22), 46349.25, "date:2026-11-23 06:00"},
		{"built-in 45 (mm:ss) is a time", builtin(45), 0.5, "date:1899-12-30 12:00"},
		{"built-in 0 (General) is a number", builtin(0), 46349, "number:46349"},
		{"built-in 2 (0.00) is a number", builtin(2), 1.5, "number:1.5"},
		{"built-in 10 (0.00%) is a number", builtin(10), 0.25, "number:0.25"},
		{"custom yyyy-mm-dd is a date", custom("yyyy-mm-dd"), 46349, "date:2026-11-23"},
		{"custom d/m/yy is a date", custom("d/m/yy"), 46349, "date:2026-11-23"},
		{"custom with a locale in brackets is a date", custom(`[$-409]mmmm d, yyyy;@`), 46349, "date:2026-11-23"},
		{"custom d in quotes is not a date", custom(`0 "days"`), 12, "number:12"},
		{"custom colour in brackets is not a date", custom(`[Red]#,##0.00`), 12, "number:12"},
		{"custom escaped d is not a date", custom(`0\d`), 12, "number:12"},
		{"custom padding and fill characters are not dates", custom(`_m#,##0*m`), 12, "number:12"},
		{"text that looks like a date stays text", builtin(14), "2026-11-23", "text:2026-11-23"},
		{"a date style out of the calendar's range gives the number", builtin(14), -5, "number:-5"},
	}
	path := fixture(t, func(f *excelize.File) {
		for i, tc := range tests {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			must(t, f.SetCellValue("Sheet1", cell, tc.value))
			id, err := f.NewStyle(tc.style)
			must(t, err)
			must(t, f.SetCellStyle("Sheet1", cell, cell, id))
		}
	})
	rows := mustRead(t, New(path, Options{}), "Sheet1").Tables["Sheet1"].Rows
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := grid(rows[i : i+1])[0][0]; got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestReadListsTabsAndReturnsOnlyRequestedOnes(t *testing.T) {
	path := fixture(t, func(f *excelize.File) {
		must(t, f.SetSheetName("Sheet1", "Partners"))
		_, err := f.NewSheet("Meetings")
		must(t, err)
		_, err = f.NewSheet("Notes")
		must(t, err)
		must(t, f.SetCellStr("Partners", "A1", "Name"))
	})
	snap := mustRead(t, New(path, Options{}), "Partners", "Meetings", "Assets", "partners")
	wantTabs := []sheets.TabInfo{{Name: "Partners"}, {Name: "Meetings"}, {Name: "Notes"}}
	if !reflect.DeepEqual(snap.Tabs, wantTabs) {
		t.Errorf("tabs = %+v, want %+v", snap.Tabs, wantTabs)
	}
	if _, ok := snap.Tables["Assets"]; ok {
		t.Error("a missing tab is in Tables")
	}
	if _, ok := snap.Tables["partners"]; ok {
		t.Error("tab names are matched exactly, but a differently cased name was found")
	}
	if got := len(snap.Tables["Meetings"].Rows); got != 0 {
		t.Errorf("empty tab has %d rows", got)
	}
	if snap.Location != nil || snap.Version == "" {
		t.Errorf("Location = %v, Version = %q; want nil and a version", snap.Location, snap.Version)
	}
}

func TestReadVersionChangesWithTheFile(t *testing.T) {
	path := inputFixture(t)
	w := New(path, Options{})
	v1 := mustRead(t, w).Version
	if v2 := mustRead(t, w).Version; v2 != v1 {
		t.Errorf("two reads of the same file differ: %s vs %s", v1, v2)
	}
	later := time.Now().Add(time.Hour)
	must(t, os.Chtimes(path, later, later))
	if v3 := mustRead(t, w).Version; v3 == v1 {
		t.Error("a touched file keeps its version")
	}
}

func TestReadRefusesWhatItCannotRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, data, 0o644))
		return p
	}
	encrypted := filepath.Join(dir, "secret.xlsx")
	f := excelize.NewFile()
	must(t, f.SaveAs(encrypted, excelize.Options{Password: "hunter2"}))
	bigCells := fixture(t, func(f *excelize.File) {
		for r := 1; r <= 20; r++ {
			must(t, f.SetSheetRow("Sheet1", "A"+strconv.Itoa(r), &[]any{1, 2, 3, 4, 5}))
		}
	})
	tests := []struct {
		name     string
		path     string
		opts     Options
		is       error
		contains string
	}{
		{"a missing file says how to create one", filepath.Join(dir, "nope.xlsx"), Options{}, fs.ErrNotExist, "run `partnermap init`"},
		{"a text file is not a workbook", write("notes.xlsx", []byte("just some text")), Options{}, ErrNotWorkbook, "it is a plain text file, not an .xlsx workbook"},
		{"a zip without a workbook is not a workbook", write("other.xlsx", zipOf(t, map[string]string{"readme.txt": "hi"})), Options{}, ErrNotWorkbook, "zip archive but"},
		{"a legacy .xls is not a workbook", write("old.xlsx", append(append([]byte{}, oleMagic...), make([]byte, 512)...)), Options{}, ErrNotWorkbook, ".xls"},
		{"a password-protected workbook says to remove the password", encrypted, Options{}, ErrPasswordProtected, "password-protected"},
		{"a file over MaxBytes is refused", inputFixture(t), Options{MaxBytes: 1000}, ErrTooBig, "limit"},
		{"a workbook that unpacks too large is refused", inputFixture(t), Options{MaxUnzippedBytes: 2000}, ErrTooBig, "unpacks"},
		{"more cells than MaxCells are refused", bigCells, Options{MaxCells: 99}, ErrTooBig, "MaxCells"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.path, tc.opts).Read(ctx, []string{"Sheet1", "Partners"})
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("err = %q, want it to mention %q", err, tc.contains)
			}
		})
	}
}

func TestReadAtTheCellLimitSucceeds(t *testing.T) {
	path := fixture(t, func(f *excelize.File) {
		must(t, f.SetSheetRow("Sheet1", "A1", &[]any{1, 2, 3}))
		must(t, f.SetSheetRow("Sheet1", "A3", &[]any{1, 2}))
	})
	if _, err := New(path, Options{MaxCells: 5}).Read(ctx, []string{"Sheet1"}); err != nil {
		t.Errorf("5 cells with MaxCells 5: %v", err)
	}
	if _, err := New(path, Options{MaxCells: 4}).Read(ctx, []string{"Sheet1"}); !errors.Is(err, ErrTooBig) {
		t.Errorf("5 cells with MaxCells 4: err = %v, want ErrTooBig", err)
	}
}

func TestReadHonoursCancellation(t *testing.T) {
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := New(inputFixture(t), Options{}).Read(c, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func zipOf(t testing.TB, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte(content))
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}
