package xlsx_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
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
	tabs := config.Tabs{Partners: "Partners", Assets: "Assets", Meetings: "Meetings", Members: "Members"}
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
	}
}
