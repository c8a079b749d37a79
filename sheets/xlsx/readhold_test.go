package xlsx

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestAReadGivesExcelizeOnlyTheTabsItParses: the worksheets of tabs a read does not parse
// (partnermap's own output tabs, most of a synced workbook's bytes) stay in the archive,
// checked as they stream, and the tabs it parses read as before, also when their sheet is
// found only by excelize (the fallback that unpacks a held part).
func TestAReadGivesExcelizeOnlyTheTabsItParses(t *testing.T) {
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
	b, err := w.open(st.data, false, "Partners")
	if err != nil {
		t.Fatal(err)
	}
	defer b.f.Close()
	lay, err := readLayout(b.f)
	if err != nil {
		t.Fatal(err)
	}
	if b.held[lay.sheets["Partners"]] != nil {
		t.Error("the worksheet of Partners, which the read parses, was held back from excelize")
	}
	if b.held[lay.sheets["Priorities"]] == nil {
		t.Error("the worksheet of Priorities, which the read does not parse, was given to excelize")
	}
	if data, _ := part(b.f, lay.sheets["Priorities"]); !bytes.Equal(data, heldStub) {
		t.Errorf("excelize holds %d bytes of Priorities, want the %d-byte stand-in", len(data), len(heldStub))
	}

	for _, tabs := range [][]string{{"Partners"}, {"Partners", "Priorities"}, {"Priorities"}} {
		snap, err := w.Read(context.Background(), tabs)
		if err != nil {
			t.Fatalf("read %q: %v", tabs, err)
		}
		for _, name := range tabs {
			table := snap.Tables[name]
			if table == nil || len(table.Rows) != 2 || table.Rows[1][1].String() == "" {
				t.Errorf("read %q: tab %s read as %+v", tabs, name, table)
			}
		}
		if len(snap.Tabs) != 2 {
			t.Errorf("read %q: %d tabs listed, want 2", tabs, len(snap.Tabs))
		}
	}

	// A sheet the name scan of the workbook part does not find is held; the read still
	// parses it, from the archive.
	b2, err := w.open(st.data, false, "no such tab")
	if err != nil {
		t.Fatal(err)
	}
	defer b2.f.Close()
	if b2.held[lay.sheets["Partners"]] == nil {
		t.Fatal("Partners was not held when no kept tab matched")
	}
}
