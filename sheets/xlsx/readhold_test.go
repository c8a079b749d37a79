package xlsx

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestAReadGivesExcelizeNoWorksheet: excelize, which a read asks only for the tabs' names,
// markers and styles, is given stand-ins for every worksheet and the shared strings; the
// tabs the read parses stream from the archive, and read as before.
func TestAReadGivesExcelizeNoWorksheet(t *testing.T) {
	path := fixture(t, func(f *excelize.File) {
		must(t, f.SetSheetName("Sheet1", "Partners"))
		must(t, f.SetSheetRow("Partners", "A1", &[]any{"Name", "Stance"}))
		must(t, f.SetSheetRow("Partners", "A2", &[]any{"Eastside Tenants Union", "Supports"}))
		_, err := f.NewSheet("Priorities")
		must(t, err)
		must(t, f.SetSheetRow("Priorities", "A1", &[]any{"Rank", "Partner"}))
		must(t, f.SetSheetRow("Priorities", "A2", &[]any{1, "Eastside Tenants Union"}))
	})
	w := New(path, Options{})
	st, err := w.load()
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.openRead(st.data)
	if err != nil {
		t.Fatal(err)
	}
	defer b.f.Close()
	lay, err := readLayout(b.f)
	if err != nil {
		t.Fatal(err)
	}
	for _, tab := range []string{"Partners", "Priorities"} {
		if data, _ := part(b.f, lay.sheets[tab]); !bytes.Equal(data, heldStub) {
			t.Errorf("excelize holds %d bytes of %s, want the %d-byte stand-in", len(data), tab, len(heldStub))
		}
		if b.streamed[lay.sheets[tab]] == nil {
			t.Errorf("the worksheet of %s is not streamed from the archive", tab)
		}
	}
	if lay.sharedStrings != "" {
		if data, _ := partData(b.f, lay.sharedStrings); !bytes.Equal(data, emptySharedStrings) {
			t.Errorf("excelize holds %d bytes of shared strings, want the stand-in", len(data))
		}
	}

	for _, tabs := range [][]string{{"Partners"}, {"Partners", "Priorities"}, {"Priorities"}, {"Priorities", "Partners", "Priorities"}} {
		snap, err := w.Read(context.Background(), tabs)
		if err != nil {
			t.Fatalf("read %q: %v", tabs, err)
		}
		for _, name := range tabs {
			table := snap.Tables[name]
			if table == nil || len(table.Rows) != 2 || table.Rows[1][1].String() != "Eastside Tenants Union" && table.Rows[1][0].String() != "Eastside Tenants Union" {
				t.Errorf("read %q: tab %s read as %+v", tabs, name, table)
			}
		}
		if len(snap.Tabs) != 2 {
			t.Errorf("read %q: %d tabs listed, want 2", tabs, len(snap.Tabs))
		}
	}
}
