package xlsx

import (
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// TestWriteToAWorkbookWhoseFontHasNoName: the format lets a font leave out its name, and
// excelize's GetDefaultFont then panics. A bold header must still be written (in the
// fallback typeface), not bring the sync down.
func TestWriteToAWorkbookWhoseFontHasNoName(t *testing.T) {
	path := rawBook{sheet: sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>`)}.save(t)
	w := New(path, Options{})
	must(t, w.Write(ctx, mustRead(t, w), []sheets.Tab{{Name: "Priorities", Rows: [][]sheets.Cell{text("Rank", "Partner"), text("1", "Eastside Tenants")}, BoldRows: []int{0}}}, nil))
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	id, err := f.GetCellStyle("Priorities", "B1")
	must(t, err)
	st, err := f.GetStyle(id)
	must(t, err)
	if st.Font == nil || !st.Font.Bold || st.Font.Family == "" || st.Font.Size <= 0 {
		t.Fatalf("header font %+v, want bold with a typeface and size", st.Font)
	}
}
