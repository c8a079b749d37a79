package decode

import (
	"fmt"
	"testing"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// benchTables builds a workbook of n partners with ten meetings each, one asset per partner
// and twenty members, with a realistic mix of text, numbers, dates and a few typos.
func benchTables(n int) map[string]*sheets.Table {
	partners := table("Partners", row("Name", "Type", "Owner", "Stance", "Influence", "Trust", "Alignment", "Stage", "Status", "Assessed on", "Notes"))
	assets := table("Assets", row("Member", "Category", "Asset", "Partner", "Strength"))
	meetings := table("Meetings", row("Date", "Partner", "Member", "Type", "Role", "Ask", "Ask outcome", "Introductions", "Next step", "Due", "Done"))
	members := table("Members", row("Name", "Email", "Max relationships"))
	for m := 0; m < 20; m++ {
		members.Rows = append(members.Rows, table("", row(fmt.Sprintf("Member %d", m), "m@example.org", 8)).Rows[0])
	}
	base := scoring.DateOf(2026, 1, 1)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Partner Organization %d", i)
		owner := fmt.Sprintf("Member %d", i%20)
		partners.Rows = append(partners.Rows, table("", row(name, "Organization", owner, "Supports", 4, "3", 4.5, "Met", "Active", "2026-03-01", "notes")).Rows[0])
		assets.Rows = append(assets.Rows, table("", row(owner, "Skill", "Knows the director", name, "Strong")).Rows[0])
		for k := 0; k < 10; k++ {
			partner := name
			if k == 9 && i%100 == 0 {
				partner = fmt.Sprintf("Partner Organisation %d", i) // a typo, one in a thousand meetings
			}
			meetings.Rows = append(meetings.Rows, table("", row(float64(base)+float64(k*7), partner, owner, "1-1", nil,
				"Introduce us", "Yes", "Ana; Bo", "Send the flyer", "12/1/2026", "x")).Rows[0])
		}
	}
	return tabs(partners, assets, meetings, members)
}

func BenchmarkDecode(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		tables := benchTables(n)
		b.Run(fmt.Sprintf("%dk partners", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res := Decode(tables, Options{})
				if len(res.Records.Meetings) != 10*n {
					b.Fatalf("decoded %d meetings, want %d", len(res.Records.Meetings), 10*n)
				}
			}
		})
	}
}

// TestBenchTablesDecode checks the benchmark's workbook decodes as intended: only the
// planted typos are reported, each with a suggestion.
func TestBenchTablesDecode(t *testing.T) {
	res := Decode(benchTables(1_000), Options{})
	if len(res.Issues) != 10 {
		t.Fatalf("got %d issues, want the 10 planted typos:\n%s", len(res.Issues), listIssues(res.Issues))
	}
	for _, is := range res.Issues {
		if is.Severity != scoring.SevWarning || is.Column != "Partner" {
			t.Fatalf("unexpected issue %s", is)
		}
	}
	if want := "did you mean 'Partner Organization 0'?"; res.Issues[0].Problem[len(res.Issues[0].Problem)-len(want):] != want {
		t.Fatalf("first typo: %s", res.Issues[0].Problem)
	}
}
