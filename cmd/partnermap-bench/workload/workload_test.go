package workload

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

var asOf = scoring.DateOf(2026, 11, 23)

// dataRows counts the rows of a tab that hold anything.
func dataRows(t sheets.InputTab) (filled, blank int) {
	for _, row := range t.Rows {
		empty := true
		for _, c := range row {
			if !c.IsBlank() {
				empty = false
			}
		}
		if empty {
			blank++
		} else {
			filled++
		}
	}
	return filled, blank
}

func TestTabsHoldTheRowsOfTheirSize(t *testing.T) {
	size := SizeOf(2_000)
	tabs := Tabs(config.Default().Tabs, size, asOf, DefaultMess(), 7)
	want := []int{size.Partners, size.Assets, size.Meetings, size.Members}
	for i, tab := range tabs {
		filled, blank := dataRows(tab)
		if filled != want[i] {
			t.Errorf("%s: %d filled rows, want %d", tab.Name, filled, want[i])
		}
		if i == 2 && blank == 0 {
			t.Errorf("%s: no blank rows among %d, want about 1%%", tab.Name, filled)
		}
		if len(tab.Notes) != len(tab.Header) || len(tab.Widths) != len(tab.Header) {
			t.Errorf("%s: %d headers, %d notes, %d widths", tab.Name, len(tab.Header), len(tab.Notes), len(tab.Widths))
		}
	}
}

func TestSameSeedSameTabs(t *testing.T) {
	names := config.Default().Tabs
	a := Tabs(names, SizeOf(300), asOf, DefaultMess(), 1)
	b := Tabs(names, SizeOf(300), asOf, DefaultMess(), 1)
	c := Tabs(names, SizeOf(300), asOf, DefaultMess(), 2)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different tabs")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("another seed gave the same tabs")
	}
}

func TestPartnerNamesAreUniqueAfterFolding(t *testing.T) {
	g := &gen{r: rand.New(rand.NewPCG(1, 2))}
	g.members(20)
	g.partnerNames(200_000)
	seen := make(map[string]int, len(g.partners))
	for i, name := range g.partners {
		key := scoring.FoldName(name)
		if j, ok := seen[key]; ok {
			t.Fatalf("partners %d and %d are both %q", j, i, name)
		}
		seen[key] = i
	}
}

// TestDecodeReadsTheMess checks the workbook is messy in the ways it claims and still
// readable: aliases resolve, typed dates parse, typos get suggestions, and tidy-data
// numbers hold (most rows decode, issues stay a small share).
func TestDecodeReadsTheMess(t *testing.T) {
	size := SizeOf(5_000)
	tabs := Tabs(config.Default().Tabs, size, asOf, DefaultMess(), 3)
	res := decode.Decode(Tables(tabs), decode.Options{})
	count := func(tab, column, contains string) int {
		n := 0
		for _, is := range res.Issues {
			if is.Tab == tab && is.Column == column && strings.Contains(is.Problem, contains) {
				n++
			}
		}
		return n
	}
	cases := []struct {
		name     string
		got      int
		min, max int
	}{
		{"partners decode, less the duplicates", len(res.Records.Partners), size.Partners * 99 / 100, size.Partners},
		{"meetings decode, less unreadable dates", len(res.Records.Meetings), size.Meetings * 98 / 100, size.Meetings},
		{"assets decode", len(res.Records.Assets), size.Assets, size.Assets},
		{"members decode", len(res.Records.Members), size.Members, size.Members},
		{"duplicate partners are errors", count("Partners", "Name", "duplicate"), 1, size.Partners / 100},
		{"misspelt partners get a suggestion", count("Meetings", "Partner", "did you mean"), size.Meetings / 200, size.Meetings / 50},
		{"unreadable meeting dates are reported", count("Meetings", "Meeting date", "not a date"), 1, size.Meetings / 50},
		{"issues stay a small share of rows", len(res.Issues), 1, size.Rows() / 20},
	}
	for _, c := range cases {
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s: %d, want %d..%d", c.name, c.got, c.min, c.max)
		}
	}
	for _, is := range res.Issues {
		if strings.Contains(is.Problem, "column") && strings.Contains(is.Problem, "missing") {
			t.Errorf("a header alias was not recognised: %s", is)
		}
	}
}

func TestTablesPutTheHeaderFirst(t *testing.T) {
	tabs := Tabs(config.Default().Tabs, SizeOf(10), asOf, DefaultMess(), 1)
	tables := Tables(tabs)
	for _, tab := range tabs {
		table := tables[tab.Name]
		if table == nil {
			t.Fatalf("no table %q", tab.Name)
		}
		if got := table.Rows[0][0].Text; got != tab.Header[0] {
			t.Errorf("%s: first header cell %q, want %q", tab.Name, got, tab.Header[0])
		}
		if len(table.Rows) != len(tab.Rows)+1 {
			t.Errorf("%s: %d rows, want %d", tab.Name, len(table.Rows), len(tab.Rows)+1)
		}
	}
}
