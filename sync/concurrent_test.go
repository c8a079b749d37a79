package sync_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/xlsx"
	"github.com/partnermap/partnermap/sync"
)

var asOf = scoring.DateOf(2026, 11, 23)

// interrupted is a source whose Write first lets something happen to the spreadsheet, as a
// volunteer working in it at the same moment would.
type interrupted struct {
	sheets.Source
	between func()
}

func (s interrupted) Write(ctx context.Context, snap *sheets.Snapshot, tabs []sheets.Tab, adopt []string) error {
	s.between()
	return s.Source.Write(ctx, snap, tabs, adopt)
}

// demoWorkbook writes the demo coalition to a fresh workbook and returns its path.
func demoWorkbook(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chapter.xlsx")
	if _, err := xlsx.New(path, xlsx.DefaultOptions()).AddInputTabs(context.Background(),
		demo.Workbook(config.Default().Tabs, demo.Day(asOf))); err != nil {
		t.Fatal(err)
	}
	return path
}

// addPartner saves the workbook with one more partner, as Excel would after a volunteer typed it.
func addPartner(t *testing.T, path, name string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Partners")
	if err != nil {
		t.Fatal(err)
	}
	cell, _ := excelize.CoordinatesToCellName(1, len(rows)+1)
	if err := f.SetSheetRow("Partners", cell, &[]any{name, "Organization", "Maria Lopez", "Supports", 5}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
}

func read(t *testing.T, path string, tabs ...string) *sheets.Snapshot {
	t.Helper()
	snap, err := xlsx.New(path, xlsx.Options{}).Read(context.Background(), tabs)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func hasPartner(snap *sheets.Snapshot, tab, name string) bool {
	for _, row := range snap.Tables[tab].Rows {
		for _, c := range row {
			if c.Text == name {
				return true
			}
		}
	}
	return false
}

func TestAnEditDuringASyncIsKeptAndTheSyncSkipped(t *testing.T) {
	const added = "Westside Renters Alliance"
	tests := []struct {
		name    string
		between func(t *testing.T, path string)
		reason  error
	}{
		{"a volunteer saves the workbook between read and write", func(t *testing.T, path string) {
			addPartner(t, path, added)
		}, sheets.ErrChanged},
		{"a volunteer opens it in Excel between read and write", func(t *testing.T, path string) {
			if err := os.WriteFile(filepath.Join(filepath.Dir(path), "~$chapter.xlsx"), []byte("Ana"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, sheets.ErrBusy},
		{"a volunteer opens it in LibreOffice between read and write", func(t *testing.T, path string) {
			if err := os.WriteFile(filepath.Join(filepath.Dir(path), ".~lock.chapter.xlsx#"), []byte("Ana"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, sheets.ErrBusy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := demoWorkbook(t)
			var theirs []byte
			src := interrupted{Source: xlsx.New(path, xlsx.DefaultOptions()), between: func() {
				tc.between(t, path)
				theirs, _ = os.ReadFile(path)
			}}
			rep, err := sync.Run(context.Background(), config.Default(), src, sync.Options{AsOf: asOf})
			if !errors.Is(err, sync.ErrSkipped) || !errors.Is(err, tc.reason) {
				t.Fatalf("Run = %v; want it skipped (sync.ErrSkipped wrapping %v)", err, tc.reason)
			}
			if rep.Written {
				t.Error("the report says the outputs were written")
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, theirs) {
				t.Fatal("the workbook is not the volunteer's version")
			}
			if snap := read(t, path); len(snap.Tabs) != 6 { // the six input tabs of the demo
				t.Errorf("tabs after a skipped sync: %+v", snap.Tabs)
			}

			// The next run, the workbook closed again, writes, and sees the volunteer's edit.
			for _, lock := range []string{"~$chapter.xlsx", ".~lock.chapter.xlsx#"} {
				_ = os.Remove(filepath.Join(filepath.Dir(path), lock))
			}
			if _, err := sync.Run(context.Background(), config.Default(), xlsx.New(path, xlsx.DefaultOptions()), sync.Options{AsOf: asOf}); err != nil {
				t.Fatalf("the retry failed: %v", err)
			}
			snap := read(t, path, "Partners", "Priorities")
			if tc.reason == sheets.ErrChanged && (!hasPartner(snap, "Partners", added) || !hasPartner(snap, "Priorities", added)) {
				t.Errorf("the volunteer's partner %q is not in Partners and Priorities after the retry", added)
			}
		})
	}
}

func TestWorkbooksPartnermapCannotUseAreLeftUntouched(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	encrypted := filepath.Join(dir, "locked.xlsx")
	f := excelize.NewFile()
	if err := f.SaveAs(encrypted, excelize.Options{Password: "hunter2"}); err != nil {
		t.Fatal(err)
	}
	noPartners := filepath.Join(dir, "other.xlsx")
	g := excelize.NewFile()
	_ = g.SetSheetName("Sheet1", "Budget")
	_ = g.SetSheetRow("Budget", "A1", &[]any{"Item", "Cost"})
	if err := g.SaveAs(noPartners); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, says string
	}{
		{"a CSV file named .xlsx", file("export.xlsx", []byte("Name,Owner\nEastside Tenants Union,Ana\n")), "it is a CSV text file (.csv)"},
		{"a password-protected workbook", encrypted, "remove the password"},
		{"an old .xls saved as .xlsx", file("old.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 1024)...)), "it is an old-format Excel .xls workbook, not an .xlsx workbook: save it as an .xlsx workbook"},
		{"a workbook without a Partners tab", noPartners, `no tab named "Partners"; the tabs are: "Budget". Run ` + "`partnermap init`"},
		{"an empty file", file("empty.xlsx", nil), "it is an empty file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(tc.path)
			_, err := sync.Run(context.Background(), config.Default(), xlsx.New(tc.path, xlsx.DefaultOptions()), sync.Options{AsOf: asOf})
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("Run = %v; want an error saying %q", err, tc.says)
			}
			if errors.Is(err, sync.ErrSkipped) {
				t.Errorf("an unusable file is a failure to fix, not a skip: %v", err)
			}
			if after, _ := os.ReadFile(tc.path); !bytes.Equal(before, after) {
				t.Error("the file was changed")
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".bak.") || strings.HasSuffix(e.Name(), ".tmp") {
					t.Errorf("left %s beside it", e.Name())
				}
			}
		})
	}
}
