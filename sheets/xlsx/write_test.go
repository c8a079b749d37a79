package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

var day = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// writeTabs reads the workbook and writes tabs over it.
func writeTabs(t testing.TB, w *Workbook, tabs []sheets.Tab, adopt ...string) {
	t.Helper()
	must(t, w.Write(ctx, mustRead(t, w), tabs, adopt))
}

func TestWriteRoundTripsEveryCellKind(t *testing.T) {
	rows := [][]sheets.Cell{
		text("Text", "Number", "Bool", "Date", "Date-time"),
		{sheets.TextCell("Eastside Tenants Union"), sheets.IntCell(42), sheets.BoolCell(true), sheets.DateCell(day), sheets.DateCell(day.Add(13*time.Hour + 30*time.Minute))},
		{sheets.TextCell("  spaces, <tags> & \"quotes\"\nnew line  "), sheets.NumberCell(-0.125), sheets.BoolCell(false), sheets.DateCell(time.Date(1999, 1, 2, 0, 0, 0, 0, time.UTC))},
		{sheets.TextCell("literal _x000D_ escape"), sheets.NumberCell(1e15), {}, {}, sheets.TextCell("after a gap")},
		nil,
		{{}, sheets.TextCell("Ünïcödé ✓ 日本")},
	}
	w := New(inputFixture(t), Options{})
	writeTabs(t, w, []sheets.Tab{{Name: "Out", Rows: rows}})
	got := mustRead(t, w, "Out").Tables["Out"].Rows
	want := grid(rows)
	if g := grid(got); !reflect.DeepEqual(g, want) {
		t.Errorf("read back\n%q\nwant\n%q", g, want)
	}
	if !got[1][3].Time().Equal(day) || got[1][3].Num != sheets.Serial(day) {
		t.Errorf("date cell = %+v, want %v (serial %v)", got[1][3], day, sheets.Serial(day))
	}
}

func TestWriteKeepsFormulaLookingTextLiteral(t *testing.T) {
	texts := []string{`=HYPERLINK("http://x","click")`, "+1 555 0100", "-1", "@SUM(A1)", "=1+1", "'quoted"}
	rows := make([][]sheets.Cell, len(texts))
	for i, s := range texts {
		rows[i] = text(s)
	}
	w := New(inputFixture(t), Options{})
	writeTabs(t, w, []sheets.Tab{{Name: "Out", Rows: rows}})

	f, err := excelize.OpenFile(w.path)
	must(t, err)
	defer f.Close()
	back := mustRead(t, w, "Out").Tables["Out"].Rows
	for i, s := range texts {
		t.Run(s, func(t *testing.T) {
			cell := cellName(0, i)
			if fo, err := f.GetCellFormula("Out", cell); err != nil || fo != "" {
				t.Errorf("%s has formula %q (err %v), want none", cell, fo, err)
			}
			if v, _ := f.GetCellValue("Out", cell); v != s {
				t.Errorf("%s = %q, want %q", cell, v, s)
			}
			if c := back[i][0]; c.Kind != sheets.Text || c.Text != s {
				t.Errorf("read back %+v, want text %q", c, s)
			}
		})
	}
}

func TestWriteMarksTabsAndTheMarkerSurvivesAnotherSave(t *testing.T) {
	w := New(inputFixture(t), Options{})
	writeTabs(t, w, []sheets.Tab{{Name: "Priorities", Rows: [][]sheets.Cell{text("Rank")}}})

	// Another program opens and saves the workbook (excelize standing in for one).
	f, err := excelize.OpenFile(w.path)
	must(t, err)
	must(t, f.SetCellStr("Partners", "A9", "edited elsewhere"))
	_, err = f.NewSheet("Scratch")
	must(t, err)
	must(t, f.Save())
	must(t, f.Close())

	snap := mustRead(t, w)
	want := []sheets.TabInfo{{Name: "Partners"}, {Name: "Priorities", Managed: true}, {Name: "Scratch"}}
	if !reflect.DeepEqual(snap.Tabs, want) {
		t.Errorf("tabs = %+v, want %+v", snap.Tabs, want)
	}
	// And the next sync can replace the tab.
	must(t, w.Write(ctx, snap, []sheets.Tab{{Name: "Priorities", Rows: [][]sheets.Cell{text("again")}}}, nil))
}

func TestWriteRefusesATabItDidNotCreate(t *testing.T) {
	tests := []struct {
		name     string
		existing string
		write    string
	}{
		{"same name", "Priorities", "Priorities"},
		{"same name in other case (spreadsheets ignore case)", "priorities", "Priorities"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := fixture(t, func(f *excelize.File) {
				_, err := f.NewSheet(tc.existing)
				must(t, err)
				must(t, f.SetCellStr(tc.existing, "A1", "my own notes"))
			})
			before := readFile(t, path)
			w := New(path, Options{Backups: 1})
			err := w.Write(ctx, mustRead(t, w), []sheets.Tab{
				{Name: "Fresh", Rows: [][]sheets.Cell{text("x")}},
				{Name: tc.write, Rows: [][]sheets.Cell{text("x")}},
			}, nil)
			var unmanaged *sheets.UnmanagedTabError
			if !errors.As(err, &unmanaged) || unmanaged.Tab != tc.write {
				t.Fatalf("err = %v, want UnmanagedTabError for %q", err, tc.write)
			}
			if !bytes.Equal(readFile(t, path), before) {
				t.Error("the workbook was modified")
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("folder holds %d files, want only the workbook", len(entries))
			}
		})
	}
}

func TestWriteAdoptsAListedTab(t *testing.T) {
	path := fixture(t, func(f *excelize.File) {
		_, err := f.NewSheet("Priorities")
		must(t, err)
		must(t, f.SetSheetRow("Priorities", "A1", &[]any{"old", "notes", "here"}))
		must(t, f.SetSheetRow("Priorities", "A5", &[]any{"more"}))
	})
	w := New(path, Options{})
	writeTabs(t, w, []sheets.Tab{{Name: "Priorities", Rows: [][]sheets.Cell{text("Rank", "Partner")}}}, "priorities")
	snap := mustRead(t, w, "Priorities")
	if info, _ := snap.Tab("Priorities"); !info.Managed {
		t.Error("adopted tab has no marker")
	}
	if g := grid(snap.Tables["Priorities"].Rows); !reflect.DeepEqual(g, [][]string{{"text:Rank", "text:Partner"}}) {
		t.Errorf("adopted tab holds %q, want only the new rows", g)
	}
	// From now on it is managed: no adopt needed.
	must(t, w.Write(ctx, snap, []sheets.Tab{{Name: "Priorities", Rows: [][]sheets.Cell{text("x")}}}, nil))
}

func TestWriteLeavesInputTabsExactlyAsTheyWere(t *testing.T) {
	path := inputFixture(t)
	before := stateOf(t, path, "Partners")
	beforeParts := partBytes(t, path)
	w := New(path, Options{})
	for i := range 3 {
		writeTabs(t, w, []sheets.Tab{
			{Name: "Priorities", FrozenRows: 1, BoldRows: []int{0}, Rows: [][]sheets.Cell{text("Rank"), {sheets.IntCell(i)}},
				Highlights: []sheets.Highlight{{Row: 1, Col: 0, Tone: sheets.ToneAlert}}},
			{Name: "Follow-ups", Rows: [][]sheets.Cell{text("Owner"), {sheets.DateCell(day)}}},
		})
	}
	if after := stateOf(t, path, "Partners"); !reflect.DeepEqual(after, before) {
		t.Errorf("input tab changed:\nbefore %+v\nafter  %+v", before, after)
	}
	afterParts := partBytes(t, path)
	for _, name := range []string{"xl/worksheets/sheet1.xml", "xl/comments1.xml", "xl/drawings/vmlDrawing1.vml", "xl/worksheets/_rels/sheet1.xml.rels", "xl/sharedStrings.xml"} {
		if beforeParts[name] == nil {
			t.Fatalf("fixture has no part %s: %v", name, partNames(beforeParts))
		}
		if !bytes.Equal(afterParts[name], beforeParts[name]) {
			t.Errorf("part %s of the input tab changed", name)
		}
	}
	checkPackage(t, path)
}

func TestWriteReplacesTabsWholeAndKeepsTheirOrder(t *testing.T) {
	w := New(inputFixture(t), Options{})
	many := make([][]sheets.Cell, 10)
	for i := range many {
		many[i] = []sheets.Cell{sheets.IntCell(i), sheets.TextCell("row")}
	}
	writeTabs(t, w, []sheets.Tab{{Name: "A", Rows: many}, {Name: "B", Rows: many}})
	writeTabs(t, w, []sheets.Tab{
		{Name: "C", Rows: [][]sheets.Cell{text("new")}},
		{Name: "B", Rows: [][]sheets.Cell{text("short")}},
		{Name: "A", Rows: many[:2]},
	})
	snap := mustRead(t, w, "A", "B", "C")
	var order []string
	for _, tab := range snap.Tabs {
		order = append(order, tab.Name)
	}
	if want := []string{"Partners", "A", "B", "C"}; !reflect.DeepEqual(order, want) {
		t.Errorf("tab order %v, want %v (existing tabs keep their place, new ones go last)", order, want)
	}
	if g := grid(snap.Tables["B"].Rows); !reflect.DeepEqual(g, [][]string{{"text:short"}}) {
		t.Errorf("B = %q, want only the new row", g)
	}
	if n := len(snap.Tables["A"].Rows); n != 2 {
		t.Errorf("A has %d rows, want 2", n)
	}
	checkPackage(t, w.path)
}

func TestWriteFormatsTabs(t *testing.T) {
	w := New(inputFixture(t), Options{})
	writeTabs(t, w, []sheets.Tab{{
		Name:       "Priorities",
		Rows:       [][]sheets.Cell{text("Rank", "Partner", "Due"), {sheets.IntCell(1), sheets.TextCell("Eastside"), sheets.DateCell(day)}},
		FrozenRows: 1,
		BoldRows:   []int{0},
		Widths:     []float64{6, 30},
		Highlights: []sheets.Highlight{
			{Row: 1, Col: 0, Tone: sheets.ToneAlert}, {Row: 1, Col: 1, Tone: sheets.ToneWarn}, {Row: 1, Col: 2, Tone: sheets.ToneGood},
			{Row: 2, Col: 0, Tone: sheets.ToneInfo}, {Row: 2, Col: 1, Tone: sheets.ToneMuted},
		},
	}})
	f, err := excelize.OpenFile(w.path)
	must(t, err)
	defer f.Close()
	styleOf := func(cell string) *excelize.Style {
		id, err := f.GetCellStyle("Priorities", cell)
		must(t, err)
		s, err := f.GetStyle(id)
		must(t, err)
		return s
	}
	tests := []struct {
		name string
		ok   func() bool
	}{
		{"header row is bold", func() bool { s := styleOf("B1"); return s.Font != nil && s.Font.Bold }},
		{"header font names the workbook's typeface and size", func() bool {
			// Without them LibreOffice shows bold headers in a serif face of its own.
			s := styleOf("B1")
			return s.Font != nil && s.Font.Family != "" && s.Font.Size > 0
		}},
		{"body rows are not bold", func() bool { s := styleOf("B2"); return s.Font == nil || !s.Font.Bold }},
		{"alert is red", func() bool { return fillOf(styleOf("A2")) == "F4C7C3" }},
		{"warn is amber", func() bool { return fillOf(styleOf("B2")) == "FCE8B2" }},
		{"good is green and keeps the date format", func() bool {
			s := styleOf("C2")
			return fillOf(s) == "B7E1CD" && s.CustomNumFmt != nil && *s.CustomNumFmt == dateFormat
		}},
		{"info is blue on a blank cell", func() bool { return fillOf(styleOf("A3")) == "C9DAF8" }},
		{"muted is grey", func() bool { return fillOf(styleOf("B3")) == "E7E6E6" }},
		{"unhighlighted cells have no fill", func() bool { return fillOf(styleOf("A1")) == "" }},
		{"header row is frozen", func() bool {
			p, err := f.GetPanes("Priorities")
			return err == nil && p.Freeze && p.YSplit == 1 && p.XSplit == 0
		}},
		{"column widths are set", func() bool {
			a, _ := f.GetColWidth("Priorities", "A")
			b, _ := f.GetColWidth("Priorities", "B")
			return a == 6 && b == 30
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok() {
				t.Fail()
			}
		})
	}
}

func fillOf(s *excelize.Style) string {
	if len(s.Fill.Color) == 0 {
		return ""
	}
	return strings.ToUpper(strings.TrimPrefix(s.Fill.Color[0], "#"))
}

func TestWriteSkipsWhenTheWorkbookIsOpen(t *testing.T) {
	for _, lock := range []string{"~$partners.xlsx", ".~lock.partners.xlsx#"} {
		t.Run(lock, func(t *testing.T) {
			path := inputFixture(t)
			w := New(path, Options{Backups: 1})
			snap := mustRead(t, w)
			must(t, os.WriteFile(filepath.Join(filepath.Dir(path), lock), []byte("owner"), 0o644))
			before := readFile(t, path)
			err := w.Write(ctx, snap, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}}, nil)
			if !errors.Is(err, sheets.ErrBusy) {
				t.Fatalf("err = %v, want ErrBusy", err)
			}
			if !bytes.Equal(readFile(t, path), before) {
				t.Error("the workbook was modified")
			}
		})
	}
}

func TestWriteSkipsWhenTheWorkbookChangedSinceRead(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, path string, snap *sheets.Snapshot)
	}{
		{"saved with new content", func(t *testing.T, path string, _ *sheets.Snapshot) {
			f, err := excelize.OpenFile(path)
			must(t, err)
			must(t, f.SetCellStr("Partners", "A7", "new partner"))
			must(t, f.Save())
			must(t, f.Close())
		}},
		{"saved again, same bytes, new time", func(t *testing.T, path string, _ *sheets.Snapshot) {
			later := time.Now().Add(time.Minute)
			must(t, os.Chtimes(path, later, later))
		}},
		{"snapshot without a version", func(_ *testing.T, _ string, snap *sheets.Snapshot) { snap.Version = "" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := inputFixture(t)
			w := New(path, Options{Backups: 1})
			snap := mustRead(t, w)
			tc.change(t, path, snap)
			before := readFile(t, path)
			err := w.Write(ctx, snap, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}}, nil)
			if !errors.Is(err, sheets.ErrChanged) {
				t.Fatalf("err = %v, want ErrChanged", err)
			}
			if !bytes.Equal(readFile(t, path), before) {
				t.Error("the volunteer's version was overwritten")
			}
		})
	}
}

func TestWriteKeepsTheConfiguredNumberOfBackups(t *testing.T) {
	tests := []struct {
		backups int
		writes  int
	}{{0, 2}, {1, 3}, {2, 4}}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d backups after %d writes", tc.backups, tc.writes), func(t *testing.T) {
			path := inputFixture(t)
			w := New(path, Options{Backups: tc.backups})
			w.now = fixedClock()
			var versions [][]byte
			for i := range tc.writes {
				versions = append(versions, readFile(t, path))
				writeTabs(t, w, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{{sheets.IntCell(i)}}}})
			}
			list, err := w.listBackups()
			must(t, err)
			if len(list) != tc.backups {
				t.Fatalf("%d backups, want %d", len(list), tc.backups)
			}
			for i, b := range list {
				if !strings.HasSuffix(b.path, ".bak.xlsx") || !strings.Contains(b.path, "partners.2026") {
					t.Errorf("backup name %s, want partners.<stamp>.bak.xlsx", b.path)
				}
				// Newest first: the version each of the last writes replaced.
				if want := versions[len(versions)-1-i]; !bytes.Equal(readFile(t, b.path), want) {
					t.Errorf("backup %d does not hold the version it replaced", i)
				}
			}
		})
	}
}

func TestBackupsOfTheSameSecondGetDistinctNames(t *testing.T) {
	path := inputFixture(t)
	w := New(path, Options{Backups: 3})
	w.now = func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.Local) }
	for i := range 4 {
		writeTabs(t, w, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{{sheets.IntCell(i)}}}})
	}
	list, err := w.listBackups()
	must(t, err)
	var names []string
	for _, b := range list {
		names = append(names, filepath.Base(b.path))
	}
	want := []string{"partners.20261123-090000-4.bak.xlsx", "partners.20261123-090000-3.bak.xlsx", "partners.20261123-090000-2.bak.xlsx"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("backups %v, want %v", names, want)
	}
}

func TestAFailedSaveLeavesTheOriginalWhole(t *testing.T) {
	for _, step := range []string{"write", "sync", "backup", "rename"} {
		t.Run("failure at "+step, func(t *testing.T) {
			path := inputFixture(t)
			w := New(path, Options{Backups: 1})
			w.hook = func(s string) error {
				if s == step {
					return errors.New("injected failure")
				}
				return nil
			}
			before := readFile(t, path)
			err := w.Write(ctx, mustRead(t, w), []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}}, nil)
			if err == nil || !strings.Contains(err.Error(), "injected failure") {
				t.Fatalf("err = %v, want the injected failure", err)
			}
			if !bytes.Equal(readFile(t, path), before) {
				t.Error("the original changed")
			}
			assertNoTempFiles(t, filepath.Dir(path))
		})
	}
}

func TestAFailedSaveInAnUnwritableFolderLeavesTheOriginalWhole(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write to any folder")
	}
	path := inputFixture(t)
	w := New(path, Options{Backups: 1})
	snap := mustRead(t, w)
	dir := filepath.Dir(path)
	before := readFile(t, path)
	must(t, os.Chmod(dir, 0o500))
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	if err := w.Write(ctx, snap, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}}, nil); err == nil {
		t.Fatal("write into an unwritable folder succeeded")
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("the original changed")
	}
	assertNoTempFiles(t, dir)
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	must(t, err)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestWriteHonoursCancellation(t *testing.T) {
	path := inputFixture(t)
	w := New(path, Options{})
	snap := mustRead(t, w)
	c, cancel := context.WithCancel(ctx)
	cancel()
	before := readFile(t, path)
	if err := w.Write(c, snap, []sheets.Tab{{Name: "Out"}}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("the workbook changed")
	}
}

func TestClearingATabDropsItsOldDrawingsAndComments(t *testing.T) {
	w := New(inputFixture(t), Options{})
	tab := sheets.Tab{Name: "Power Map", Rows: [][]sheets.Cell{text("x", "y"), {sheets.IntCell(1), sheets.IntCell(2)}}}
	writeTabs(t, w, []sheets.Tab{tab})
	baseline := partNames(partBytes(t, w.path))

	for range 2 {
		// Something (a later chart renderer, or a person) adds a chart and a note.
		f, err := excelize.OpenFile(w.path)
		must(t, err)
		must(t, f.AddChart("Power Map", "D2", &excelize.Chart{
			Type:   excelize.Scatter,
			Series: []excelize.ChartSeries{{Name: "s", Categories: "'Power Map'!$A$2:$A$2", Values: "'Power Map'!$B$2:$B$2"}},
		}))
		must(t, f.AddComment("Power Map", excelize.Comment{Cell: "A1", Author: "x", Text: "note"}))
		must(t, f.Save())
		must(t, f.Close())
		if n := len(partBytes(t, w.path)); n <= len(baseline) {
			t.Fatalf("fixture did not add parts (%d)", n)
		}
		writeTabs(t, w, []sheets.Tab{tab})
		if got := partNames(partBytes(t, w.path)); !reflect.DeepEqual(got, baseline) {
			t.Errorf("parts after clearing\n%v\nwant\n%v", got, baseline)
		}
		checkPackage(t, w.path)
	}
	if st := stateOf(t, w.path, "Partners"); len(st.Comments) != 1 {
		t.Errorf("the input tab's note is gone: %v", st.Comments)
	}
}

func TestAdoptingATabWithFormulasPrunesTheCalculationChain(t *testing.T) {
	tests := []struct {
		name      string
		chain     string
		wantChain string // "" = no calcChain part at all
	}{
		{"entries of other sheets are kept", `<c r="B1" i="2"/><c r="C1"/><c r="B2" i="1"/>`, `<c r="B2" i="1"></c>`},
		{"a chain left empty is removed", `<c r="B1" i="2"/><c r="C1"/>`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := fixture(t, func(f *excelize.File) {
				must(t, f.SetCellFormula("Sheet1", "B2", "1+1"))
				_, err := f.NewSheet("Priorities")
				must(t, err)
				must(t, f.SetCellFormula("Priorities", "B1", "Sheet1!A1*2"))
				must(t, f.SetCellFormula("Priorities", "C1", "B1*2"))
			})
			addCalcChain(t, path, tc.chain)
			w := New(path, Options{})
			writeTabs(t, w, []sheets.Tab{{Name: "Priorities", Rows: [][]sheets.Cell{text("x")}}}, "Priorities")
			parts := partBytes(t, path)
			chain, ok := parts["xl/calcChain.xml"]
			switch {
			case tc.wantChain == "" && ok:
				t.Errorf("calcChain kept: %s", chain)
			case tc.wantChain != "" && !bytes.Contains(chain, []byte(tc.wantChain)):
				t.Errorf("calcChain = %s, want %s", chain, tc.wantChain)
			case tc.wantChain != "" && bytes.Contains(chain, []byte(`i="2"`)):
				t.Errorf("calcChain still lists the cleared sheet: %s", chain)
			}
			checkPackage(t, path)
		})
	}
}

// addCalcChain adds a calculation chain part to a saved workbook.
func addCalcChain(t *testing.T, path, entries string) {
	t.Helper()
	parts := partBytes(t, path)
	parts["xl/calcChain.xml"] = []byte(`<?xml version="1.0" encoding="UTF-8"?><calcChain xmlns="` + nsMain + `">` + entries + `</calcChain>`)
	parts["[Content_Types].xml"] = bytes.Replace(parts["[Content_Types].xml"], []byte("</Types>"),
		[]byte(`<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>`), 1)
	parts["xl/_rels/workbook.xml.rels"] = bytes.Replace(parts["xl/_rels/workbook.xml.rels"], []byte("</Relationships>"),
		[]byte(`<Relationship Id="rIdCalc" Type="`+relTypeCalcChain+`" Target="calcChain.xml"/></Relationships>`), 1)
	files := map[string]string{}
	for n, b := range parts {
		files[n] = string(b)
	}
	must(t, os.WriteFile(path, zipOf(t, files), 0o644))
}

// checkPackage asserts the workbook is a consistent package: every internal
// relationship points at a part, every content-type override names a part,
// and excelize opens every sheet.
func checkPackage(t *testing.T, path string) {
	t.Helper()
	parts := partBytes(t, path)
	for name, data := range parts {
		if !strings.HasSuffix(name, ".rels") {
			continue
		}
		var doc relsDoc
		must(t, xml.Unmarshal(data, &doc))
		source := strings.TrimSuffix(strings.Replace(name, "_rels/", "", 1), ".rels")
		for _, r := range doc.Rels {
			if r.internal() {
				if _, ok := parts[resolve(source, r.Target)]; !ok {
					t.Errorf("%s: relationship %s points at missing part %s", name, r.ID, resolve(source, r.Target))
				}
			}
		}
	}
	var ct struct {
		Overrides []ctOverride `xml:"Override"`
	}
	must(t, xml.Unmarshal(parts["[Content_Types].xml"], &ct))
	for _, o := range ct.Overrides {
		if _, ok := parts[strings.TrimPrefix(o.PartName, "/")]; !ok {
			t.Errorf("content type override for missing part %s", o.PartName)
		}
	}
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	for _, s := range f.GetSheetList() {
		if _, err := f.GetRows(s); err != nil {
			t.Errorf("sheet %s: %v", s, err)
		}
	}
}

func TestReuseWriterCopiesUnchangedPartsAndRewritesChangedOnes(t *testing.T) {
	orig := zipOf(t, map[string]string{"same.xml": "unchanged content", "changed.xml": "old", "grows.xml": "abc"})
	zr, err := zip.NewReader(bytes.NewReader(orig), int64(len(orig)))
	must(t, err)
	var out bytes.Buffer
	rw := newReuseWriter(&out, zr, nil, nil)
	writes := []struct {
		name   string
		chunks []string
	}{
		{"same.xml", []string{"unchanged content"}},
		{"changed.xml", []string{"new"}},
		{"grows.xml", []string{"abc", "def"}}, // starts like the original, then differs
		{"added.xml", []string{"fresh"}},
		{"empty.xml", nil},
	}
	for _, wr := range writes {
		e, err := rw.Create(wr.name)
		must(t, err)
		for _, c := range wr.chunks {
			_, err := e.Write([]byte(c))
			must(t, err)
		}
	}
	must(t, rw.Close())
	if rw.reused != 1 {
		t.Errorf("reused %d parts, want 1", rw.reused)
	}
	got := partBytesOf(t, out.Bytes())
	want := map[string]string{"same.xml": "unchanged content", "changed.xml": "new", "grows.xml": "abcdef", "added.xml": "fresh", "empty.xml": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("archive holds %q, want %q", got, want)
	}
}

func partBytesOf(t *testing.T, data []byte) map[string]string {
	path := filepath.Join(t.TempDir(), "x.zip")
	must(t, os.WriteFile(path, data, 0o644))
	out := map[string]string{}
	for n, b := range partBytes(t, path) {
		out[n] = string(b)
	}
	return out
}

func TestTheChartSeamDrawsChartsThatSurviveTheWrite(t *testing.T) {
	w := New(inputFixture(t), Options{})
	w.drawChart = func(f *excelize.File, sheet string, c *sheets.Chart) error {
		return f.AddChart(sheet, "D2", &excelize.Chart{Type: excelize.Scatter, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title}}},
			Series: []excelize.ChartSeries{{Name: "s", Categories: "'Power Map'!$A$2:$A$3", Values: "'Power Map'!$B$2:$B$3"}}})
	}
	tab := sheets.Tab{Name: "Power Map", Rows: [][]sheets.Cell{text("x", "y"), {sheets.IntCell(1), sheets.IntCell(2)}}, Chart: &sheets.Chart{Title: "Power"}}
	for range 2 {
		writeTabs(t, w, []sheets.Tab{tab})
		parts := partBytes(t, w.path)
		var drawings []string
		for _, n := range partNames(parts) {
			if strings.HasPrefix(n, "xl/drawings/drawing") || strings.HasPrefix(n, "xl/charts/chart") {
				drawings = append(drawings, n)
			}
		}
		if len(drawings) != 2 {
			t.Errorf("drawing and chart parts %v, want one of each", drawings)
		}
		if !bytes.Contains(parts["xl/worksheets/sheet2.xml"], []byte("drawing")) {
			t.Error("the tab does not refer to its drawing")
		}
		checkPackage(t, w.path)
	}
	if g := grid(mustRead(t, w, "Power Map").Tables["Power Map"].Rows); len(g) != 2 {
		t.Errorf("tab rows %q", g)
	}
}
