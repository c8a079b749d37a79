package main

import (
	"archive/zip"
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// TestStreamedWorkbookReadsLikeTheLibrarysOwn writes the same generated tabs twice, once
// through the spreadsheet library cell by cell (as the benchmark did before it streamed
// its rows) and once streamed, and reads both back: every tab must read the same, cell for
// cell, and the two workbooks must hold the same parts.
func TestStreamedWorkbookReadsLikeTheLibrarysOwn(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	names := config.Default().Tabs
	asOf := scoring.DateOf(2026, 11, 23)
	mess := workload.DefaultMess()
	mess.Typos = 0.05 // more misspelt and spaced names: more odd strings to write
	size := workload.SizeOf(400)

	whole := filepath.Join(dir, "whole.xlsx")
	if _, err := xlsx.New(whole, xlsx.Options{}).AddInputTabs(ctx, workload.Tabs(names, size, asOf, mess, 5)); err != nil {
		t.Fatal(err)
	}
	streamed := filepath.Join(dir, "streamed.xlsx")
	if err := writeWorkbook(ctx, streamed, workload.New(names, size, asOf, mess, 5)); err != nil {
		t.Fatal(err)
	}

	read := func(path string) map[string][][]string {
		snap, err := xlsx.New(path, xlsx.Options{}).Read(ctx, []string{names.Partners, names.Assets, names.Meetings, names.Members})
		if err != nil {
			t.Fatalf("read %s: %v", filepath.Base(path), err)
		}
		if len(snap.Tables) != 4 {
			t.Fatalf("%s: %d tabs read, want 4", filepath.Base(path), len(snap.Tables))
		}
		out := map[string][][]string{}
		for name, table := range snap.Tables {
			for _, row := range table.Rows {
				var cells []string
				for _, c := range row {
					cells = append(cells, c.String()+"|"+c.Text+"|"+c.Time().String())
				}
				out[name] = append(out[name], cells)
			}
		}
		return out
	}
	want, got := read(whole), read(streamed)
	for name := range want {
		if len(got[name]) != len(want[name]) {
			t.Errorf("%s: %d rows streamed, %d written whole", name, len(got[name]), len(want[name]))
			continue
		}
		for i := range want[name] {
			if !reflect.DeepEqual(got[name][i], want[name][i]) {
				t.Errorf("%s row %d: streamed %q, written whole %q", name, i+1, got[name][i], want[name][i])
				break
			}
		}
	}
	if !slices.Equal(partNames(t, streamed), partNames(t, whole)) {
		t.Errorf("streamed workbook's parts %v, written whole %v", partNames(t, streamed), partNames(t, whole))
	}
}

func partNames(t *testing.T, path string) []string {
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []string
	for _, zf := range zr.File {
		out = append(out, zf.Name)
	}
	slices.Sort(out)
	return out
}
