package xlsx_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/internal/longtest"
	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// TestLibreOfficeOpensTheWrittenWorkbook writes the demo coalition's input and output tabs
// (chart, hidden columns, colour rules, notes and dropdowns included) and has LibreOffice
// convert the workbook to PDF: a file a spreadsheet program cannot open fails here.
func TestLibreOfficeOpensTheWrittenWorkbook(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed; CI installs it")
	}
	longtest.Skip(t, "starts LibreOffice")
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.xlsx")
	ctx := context.Background()
	asOf := scoring.DateOf(2026, time.November, 23)
	tabs := config.Tabs{Partners: "Partners", Assets: "Assets", Meetings: "Meetings", Members: "Members",
		Campaigns: "Campaigns", Stances: "Stances"}
	w := xlsx.New(path, xlsx.DefaultOptions())
	if _, err := w.AddInputTabs(ctx, demo.Workbook(tabs, demo.Day(asOf))); err != nil {
		t.Fatal(err)
	}
	snap, err := w.Read(ctx, []string{"Partners", "Assets", "Meetings", "Members"})
	if err != nil {
		t.Fatal(err)
	}
	dec := decode.Decode(snap.Tables, decode.Options{})
	cfg := scoring.DefaultConfig()
	res := scoring.Score(dec.Records, cfg, asOf)
	out := render.Tabs(render.Input{Result: res, Issues: dec.Issues, Scoring: &cfg,
		Names: render.Names{Priorities: "Priorities", FollowUps: "Follow-ups", PowerMap: "Power Map", Connections: "Connections",
			Owners: "Owners", DataIssues: "Data Issues", SyncStatus: "Sync Status"},
		Status: render.Status{Source: path, SyncedAt: asOf.Time().Add(9 * time.Hour), AsOf: asOf}})
	out = append(out, longOutputTab("Long List", 150), bulkTab("Bulk", 40))
	if err := w.Write(ctx, snap, out, nil); err != nil {
		t.Fatal(err)
	}
	var chart *sheets.Chart
	for _, tab := range out {
		if tab.Chart != nil {
			chart = tab.Chart
		}
	}
	if chart == nil {
		t.Fatal("the demo has no chart to check")
	}

	// A profile of its own, so a LibreOffice already running elsewhere is not reused.
	profile := "file://" + filepath.ToSlash(filepath.Join(dir, "profile"))
	cctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, soffice, "-env:UserInstallation="+profile, "--headless", "--norestore",
		"--convert-to", "pdf", "--outdir", dir, path)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to pdf: %v\n%s", err, msg)
	}
	pdf := filepath.Join(dir, "demo.pdf")
	info, err := os.Stat(pdf)
	if err != nil || info.Size() == 0 {
		t.Fatalf("LibreOffice made no PDF of the workbook (%v)", err)
	}
	// The chart's title is drawn only if LibreOffice read the chart part; its end may
	// fall on the next page, so only the start is looked for.
	if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
		text, err := exec.CommandContext(cctx, pdftotext, pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		if start := strings.Join(strings.Fields(chart.Title)[:3], " "); !strings.Contains(string(text), start) {
			t.Errorf("the PDF does not show the chart titled %q", chart.Title)
		}
		checkPrinted(t, pdf, out[:len(out)-1], chart) // Bulk's notes run on over many pages
	}
	checkReadBack(cctx, t, soffice, profile, path, out[len(out)-1])
}

// longOutputTab is an output tab as render lays one out, with rows enough for several
// printed pages.
func longOutputTab(name string, n int) sheets.Tab {
	tab := sheets.Tab{Name: name, FrozenRows: 2, BoldRows: []int{1}, Legend: true, Widths: []float64{30, 8, 60}, WrapCols: []int{2},
		Rows: [][]sheets.Cell{{sheets.TextCell("A long list to print: its legend and header repeat on every page. Do not edit: this tab is replaced on every sync.")},
			{sheets.TextCell("Partner"), sheets.TextCell("Score"), sheets.TextCell("Why")}}}
	for i := range n {
		tab.Rows = append(tab.Rows, []sheets.Cell{sheets.TextCell(fmt.Sprintf("Partner %d", i+1)), sheets.IntCell(i % 100),
			sheets.TextCell(strings.Repeat("power 4 of 5 (+30); strongly supports us (+2: +25); ", 1+i%3))})
	}
	return tab
}

// bulkTab is an output tab of a few rows of long text, whose worksheet part is larger than
// a deflate chunk (deflate.go): LibreOffice must read a part made of several chunks'
// deflate streams laid end to end.
func bulkTab(name string, n int) sheets.Tab {
	tab := sheets.Tab{Name: name, FrozenRows: 2, BoldRows: []int{1}, Legend: true, Widths: []float64{40},
		Rows: [][]sheets.Cell{{sheets.TextCell("Rows of long notes, to print. Do not edit: this tab is replaced on every sync.")},
			{sheets.TextCell("Notes")}}}
	words := strings.Fields("met with the tenants union about the rent strike and the council vote next week; " +
		"follow up with Maria on the flyer, the church hall, the food bank and the school board")
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "Note %d:", i+1)
		for j := 0; b.Len() < 30000; j++ {
			b.WriteString(" " + words[(i*7+j*j)%len(words)])
		}
		tab.Rows = append(tab.Rows, []sheets.Cell{sheets.TextCell(b.String())})
	}
	return tab
}

// checkReadBack has LibreOffice save every tab as CSV and compares tab's cells, all of
// them, with what was written.
func checkReadBack(ctx context.Context, t *testing.T, soffice, profile, path string, tab sheets.Tab) {
	t.Helper()
	dir := filepath.Join(filepath.Dir(path), "csv")
	// Comma-separated, UTF-8, every sheet to a file of its own (the last field, -1).
	filter := "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation="+profile, "--headless", "--norestore",
		"--convert-to", filter, "--outdir", dir, path)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to csv: %v\n%s", err, msg)
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) + "-" + tab.Name + ".csv"
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("LibreOffice wrote no CSV of tab %s: %v", tab.Name, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV of tab %s: %v", tab.Name, err)
	}
	if len(got) != len(tab.Rows) {
		t.Fatalf("LibreOffice read %d rows of tab %s, want %d", len(got), tab.Name, len(tab.Rows))
	}
	for i, row := range tab.Rows {
		if len(got[i]) == 0 || got[i][0] != row[0].Text {
			t.Errorf("tab %s, row %d: LibreOffice read %.40q…, want %.40q…", tab.Name, i+1, got[i], row[0].Text)
		}
	}
}

// checkPrinted reads the PDF LibreOffice printed, page by page: every output tab prints on
// landscape pages that each name the tab in the footer; the demo's tabs fit one page each;
// the long tab takes several, each starting with the whole legend and the header; and the
// chart lies whole on one page of the Power Map.
func checkPrinted(t *testing.T, pdf string, out []sheets.Tab, chart *sheets.Chart) {
	t.Helper()
	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(text), "\f")
	info, err := exec.Command("pdfinfo", "-f", "1", "-l", strconv.Itoa(len(pages)), pdf).Output()
	if err != nil {
		t.Skipf("pdfinfo: %v", err)
	}
	landscape := map[int]bool{}
	for _, m := range regexp.MustCompile(`Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)`).FindAllStringSubmatch(string(info), -1) {
		n, _ := strconv.Atoi(m[1])
		w, _ := strconv.ParseFloat(m[2], 64)
		h, _ := strconv.ParseFloat(m[3], 64)
		landscape[n-1] = w > h
	}
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, tab := range out {
		footer := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(tab.Name) + `\s+Page (\d+) of (\d+)\s*$`)
		var mine []int
		for i, p := range pages {
			if footer.MatchString(p) {
				mine = append(mine, i)
			}
		}
		switch {
		case len(mine) == 0:
			t.Errorf("%s: no printed page names the tab in its footer", tab.Name)
			continue
		case tab.Name == "Long List" && len(mine) < 2:
			t.Errorf("%s: printed on %d page; want several, to see the header repeat", tab.Name, len(mine))
		case tab.Name != "Long List" && len(mine) != 1:
			t.Errorf("%s: the demo's tab printed on %d pages; want 1, landscape and one page wide", tab.Name, len(mine))
		}
		legendEnd := strings.Fields(tab.Rows[0][0].Text)
		legendEnd = legendEnd[max(len(legendEnd)-8, 0):]
		for _, i := range mine {
			if !landscape[i] {
				t.Errorf("%s: page %d is portrait", tab.Name, i+1)
			}
			if !strings.Contains(flat(pages[i]), strings.Join(legendEnd, " ")) {
				t.Errorf("%s: page %d does not show the end of the legend (%q): it is cut or not repeated", tab.Name, i+1, strings.Join(legendEnd, " "))
			}
			if tab.FrozenRows > 1 {
				for _, h := range tab.Rows[1] {
					if !strings.Contains(pages[i], h.Text) {
						t.Errorf("%s: page %d has no header %q", tab.Name, i+1, h.Text)
					}
				}
			}
		}
		if tab.Chart == nil {
			continue
		}
		var withChart []int
		for _, i := range mine {
			p := flat(pages[i])
			if strings.Contains(p, flat(chart.Title)) && strings.Contains(p, strings.Fields(chart.XTitle)[0]) {
				withChart = append(withChart, i+1)
			}
		}
		if len(withChart) != 1 {
			t.Errorf("%s: the chart's title and axis show on pages %v; want them on one page", tab.Name, withChart)
		}
	}
}
