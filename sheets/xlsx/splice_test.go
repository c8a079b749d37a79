package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/history"
	"github.com/partnermap/partnermap/profile"
	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// TestSplicedRowsAreWhatExcelizeWrites writes every output tab of a generated workbook
// (legend rows, bold rows, highlights, wrapped columns, dates, numbers, booleans), and a
// tab of awkward values, twice: once with the rows spliced into the saved parts, once with
// excelize writing every row. Every part of the two workbooks must be the same bytes.
func TestSplicedRowsAreWhatExcelizeWrites(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	asOf := scoring.DateOf(2026, 11, 23)
	mess := workload.DefaultMess()
	mess.Typos = 0.05
	inputs := workload.Tabs(cfg.Tabs, workload.SizeOf(150), asOf, mess, 2)
	dec := decode.Decode(workload.Tables(inputs), decode.Options{Tabs: decode.TabNames{
		Partners: cfg.Tabs.Partners, Assets: cfg.Tabs.Assets, Meetings: cfg.Tabs.Meetings, Members: cfg.Tabs.Members}})
	res := scoring.Score(dec.Records, cfg.Scoring, asOf)
	profiles := profile.Build(dec.Records, res)
	hist := history.Update(nil, history.States(dec.Records.Partners, res), asOf, 0)
	o := cfg.Outputs
	tabs := render.Tabs(render.Input{
		Result: res, Issues: append(append([]scoring.Issue(nil), dec.Issues...), res.Issues...),
		Names: render.Names{Priorities: o.Priorities, FollowUps: o.FollowUps, PowerMap: o.PowerMap, Connections: o.Connections,
			Owners: o.Owners, DataIssues: o.DataIssues, SyncStatus: o.SyncStatus, History: o.History, Progress: o.Progress,
			Profiles: o.Profiles, Themes: o.Themes},
		Scoring:  &cfg.Scoring,
		Profiles: func() []profile.Profile { return profiles },
		History:  hist.Rows, Progress: history.Progress(hist.Rows, asOf),
		Status: render.Status{Source: "test.xlsx", SyncedAt: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), AsOf: asOf, Version: "test"},
	})
	// The awkward values excelize must write come first; the rows after the last of them
	// are spliced, and hold every other kind of value and format.
	odd := sheets.Tab{Name: "Odd values", Widths: []float64{20, 20}, FrozenRows: 1, BoldRows: []int{0, 9}, WrapCols: []int{1},
		Highlights: []sheets.Highlight{{Row: 7, Col: 4, Tone: sheets.ToneAlert}, {Row: 13, Col: 2, Tone: sheets.ToneGood}, {Row: 8, Col: 0, Tone: sheets.ToneWarn}}}
	odd.Rows = [][]sheets.Cell{
		{sheets.TextCell("Name"), sheets.TextCell("Note")},
		{sheets.TextCell("text with _x0041_ in it, which excelize escapes"), sheets.NumberCell(0.1 + 0.2)},
		{sheets.TextCell(strings.Repeat("long ", 7000))},
		{sheets.NumberCell(1.0 / 3), sheets.TextCell("a third")},
		{sheets.TextCell("the rows from here on are spliced")},
		{sheets.TextCell(" leading space"), sheets.TextCell("trailing\n"), sheets.TextCell("tab\tinside"), sheets.TextCell(`<&>"'`)},
		{sheets.TextCell("line one\nline two\nline three"), sheets.TextCell("control \x01 \x1f char and a wrapped note that runs on for long enough to take a second line"), sheets.TextCell("é ✓ 😀")},
		{sheets.NumberCell(0.1), sheets.NumberCell(1e20), sheets.NumberCell(-3.25), sheets.NumberCell(123456789012345)},
		{sheets.BoolCell(true), sheets.BoolCell(false), sheets.DateCell(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC))},
		{sheets.DateCell(time.Date(2026, 3, 4, 13, 30, 0, 0, time.UTC)), sheets.NumberCell(math.NaN()), sheets.NumberCell(math.Inf(-1))},
		{},
		{sheets.TextCell("after a blank row"), {}, sheets.TextCell("after a blank cell")},
		{sheets.TextCell("_ x and x_ are not escapes")},
		{sheets.TextCell("last")},
	}
	tabs = append(tabs, odd)
	// A tab long enough that its spliced rows are encoded in several pieces side by side
	// (writeRows), with formats that change from row to row across the pieces' edges.
	long := sheets.Tab{Name: "Long", Widths: []float64{20, 12, 12, 30}, FrozenRows: 1, WrapCols: []int{3}}
	for i := range 5000 {
		row := []sheets.Cell{sheets.TextCell(fmt.Sprintf("Partner %d", i)), sheets.NumberCell(float64(i) / 4),
			sheets.DateCell(time.Date(2026, 1, 1+i%365, 0, 0, 0, 0, time.UTC)), sheets.TextCell(strings.Repeat("note ", i%40))}
		if i%997 == 0 {
			row = nil
		}
		long.Rows = append(long.Rows, row)
		if i%3 == 0 {
			long.Highlights = append(long.Highlights, sheets.Highlight{Row: i, Col: i % 4, Tone: sheets.ToneWarn})
		}
		if i%2047 == 0 {
			long.BoldRows = append(long.BoldRows, i)
		}
	}
	tabs = append(tabs, long)

	dir := t.TempDir()
	base := filepath.Join(dir, "base.xlsx")
	if _, err := New(base, Options{}).AddInputTabs(ctx, inputs); err != nil {
		t.Fatal(err)
	}
	write := func(name string, noSplice bool) string {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(base)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		w := New(path, Options{})
		w.noSplice = noSplice
		w.drawChart = nil  // charts are drawn the same either way; their parts carry no rows
		for i := range 2 { // the second write replaces the tabs the first made
			snap, err := w.Read(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(ctx, snap, tabs, nil); err != nil {
				t.Fatalf("write %d of %s: %v", i+1, name, err)
			}
		}
		return path
	}
	spliced, whole := parts(t, write("spliced.xlsx", false)), parts(t, write("whole.xlsx", true))
	if len(spliced) != len(whole) {
		t.Fatalf("%d parts spliced, %d written whole", len(spliced), len(whole))
	}
	rows := 0
	for name, want := range whole {
		got, ok := spliced[name]
		if !ok {
			t.Errorf("part %s missing from the spliced workbook", name)
			continue
		}
		if !bytes.Equal(got, want) {
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			t.Errorf("part %s differs at byte %d:\nspliced %q\nwhole   %q", name, i, excerpt(got, i), excerpt(want, i))
		}
		rows += bytes.Count(want, []byte("<row "))
	}
	if rows < 1000 {
		t.Errorf("only %d rows written: the comparison proves little", rows)
	}
}

func parts(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = data
	}
	return out
}

func excerpt(b []byte, at int) []byte {
	return b[max(0, at-80):min(len(b), at+120)]
}

// TestRowsAreSplicedOnlyUnderTheStreamedPartsName: given a part name excelize is not
// streaming the tab to, the renderer has excelize write every row rather than splice them
// into a part that will never pass.
func TestRowsAreSplicedOnlyUnderTheStreamedPartsName(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	r := newRenderer(f)
	tab := sheets.Tab{Name: "Priorities", Rows: [][]sheets.Cell{{sheets.TextCell("Rank")}, {sheets.IntCell(1)}, {sheets.IntCell(2)}}}
	part, err := r.newSheet(tab.Name)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter(tab.Name)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.rows(sw, tab, "xl/worksheets/elsewhere.xml"); err != nil {
		t.Fatal(err)
	}
	if len(r.splices) != 0 {
		t.Errorf("rows spliced into a part excelize does not write: %v", r.splices)
	}
	sw2, err := f.NewStreamWriter(tab.Name) // a fresh one: the first holds the rows written whole
	if err != nil {
		t.Fatal(err)
	}
	if err := r.rows(sw2, tab, part); err != nil {
		t.Fatal(err)
	}
	if r.splices[part] == nil {
		t.Errorf("rows not spliced into %s, the part excelize streams the tab to", part)
	}
}

// rows writes the rows of t as a write does: scanned, then through sw or spliced into part.
func (r *renderer) rows(sw *excelize.StreamWriter, t sheets.Tab, part string) error {
	return r.scannedRows(sw, r.scan(t), part)
}
