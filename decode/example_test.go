package decode_test

import (
	"strings"
	"testing"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// tables turns input tabs as init creates them into tables as a read returns them.
func tables(tabs []sheets.InputTab, extra map[string][][]sheets.Cell) map[string]*sheets.Table {
	out := map[string]*sheets.Table{}
	for _, t := range tabs {
		header := make([]sheets.Cell, len(t.Header))
		for i, h := range t.Header {
			header[i] = sheets.TextCell(h)
		}
		out[t.Name] = &sheets.Table{Name: t.Name, Rows: append(append([][]sheets.Cell{header}, t.Rows...), extra[t.Name]...)}
	}
	return out
}

// init's example rows were synced as a real partner ("Example: …", score 66). They are
// never records, and each is named in Data Issues, while the group's own rows beside them
// are read as usual.
func TestInitsExampleRowsAreNeverRecords(t *testing.T) {
	names := config.Tabs{Partners: "Partners", Assets: "Assets", Meetings: "Meetings", Members: "Members"}
	templates := demo.Templates(names, demo.Day(scoring.DateOf(2026, 11, 23)))

	res := decode.Decode(tables(templates, nil), decode.Options{})
	r := res.Records
	if len(r.Partners)+len(r.Assets)+len(r.Meetings)+len(r.Members) != 0 {
		t.Fatalf("init's example rows were read as records: %+v", r)
	}
	if len(res.Issues) != 4 {
		t.Fatalf("want one issue per example row, got:\n%s", res)
	}
	for i, tab := range []string{"Partners", "Assets", "Meetings", "Members"} {
		is := res.Issues[i]
		if is.Tab != tab || is.Row != 2 || is.Severity != scoring.SevInfo || !strings.Contains(is.Problem, "example row `partnermap init` added: it is left out") {
			t.Errorf("issue %d: %s", i, is)
		}
	}

	// The group's first real rows, typed below the examples, are read; the examples still are not.
	own := map[string][][]sheets.Cell{
		"Partners": {{sheets.TextCell("Eastside Tenants Union"), sheets.TextCell("Organization"), sheets.TextCell("Ana Ruiz")}},
		"Members":  {{sheets.TextCell("Ana Ruiz")}},
	}
	res = decode.Decode(tables(templates, own), decode.Options{})
	if len(res.Records.Partners) != 1 || res.Records.Partners[0].Name != "Eastside Tenants Union" ||
		len(res.Records.Members) != 1 || res.Records.Members[0].Name != "Ana Ruiz" {
		t.Fatalf("the group's own rows: %+v", res.Records)
	}
}
