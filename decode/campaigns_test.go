package decode

import (
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/campaign"
	"github.com/partnermap/partnermap/scoring"
)

func TestCampaignsAndStancesDecodeWithIssuesOnTheirOwnTabs(t *testing.T) {
	in := tabs(append(emptyTabs(),
		table("Partners", row("Name", "Stance"), row("Eastside Tenants Union", "Supports"), row("Senator Vega", "Neutral")),
		table("Campaigns",
			row("Campaign name", "Decision maker", "goal", "STATUS", "Deadline", "Lead"),
			row("Housing Bill", "Senator Vega", "Pass it", "", time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC), ""),
			row("Budget", "Mayor Chen", "", "Paused", "Dec 31, 2026", ""),
			row("Library nights", "", "", "won", "", ""),
			row("housing  bill", "Someone", "", "", "", ""),
			row("Transit", "Council", "", "someday", "not a date", ""),
		),
		table("Stances",
			row("Organization", "Campaign", "Position", "Power", "Notes"),
			row("eastside tenants union", "Housing Bill", "Opposes", 5, "moved"),
			row("Eastside Tenant Union", "Housing Bill", "", 4, "misspelt partner"),
			row("Eastside Tenants Union", "Housing Bil", "", 4, "misspelt campaign"),
			row("EASTSIDE TENANTS UNION", "housing bill", "Supports", 1, "duplicate"),
			row("Mayor Chen", "Budget", "Opposes", "", "the target, not a partner"),
			row("Senator Vega", "Budget", "very", 9, "unreadable values"),
			row("", "Budget", "", "", ""),
		),
	)...)
	res := Decode(in, Options{})
	c := res.Campaigns.Campaigns
	if len(c) != 4 {
		t.Fatalf("campaigns %+v, want 4 (the duplicate left out)", c)
	}
	if c[0].Key != "housing bill" || c[0].TargetKey != "senator vega" || c[0].Status != campaign.Active || c[0].Deadline != scoring.DateOf(2026, 12, 20) {
		t.Errorf("first campaign %+v", c[0])
	}
	if c[1].Status != campaign.Paused || c[1].Deadline != scoring.DateOf(2026, 12, 31) || c[2].Status != campaign.Won {
		t.Errorf("statuses and text dates: %+v %+v", c[1], c[2])
	}
	if c[3].Status != campaign.Active || !c[3].Deadline.IsZero() {
		t.Errorf("unreadable status and deadline are blank: %+v", c[3])
	}
	s := res.Campaigns.Stances
	if len(s) != 3 {
		t.Fatalf("stances %+v, want the first, the mayor's and the senator's", s)
	}
	if s[0].PartnerKey != "eastside tenants union" || s[0].CampaignKey != "housing bill" || s[0].Stance != scoring.Some(-1) || s[0].Influence != scoring.Some(5) {
		t.Errorf("first stance %+v", s[0])
	}
	if s[1].PartnerKey != "mayor chen" || s[1].Stance != scoring.Some(-1) {
		t.Errorf("the target's own stance row %+v", s[1])
	}
	if s[2].Stance.Known || s[2].Influence.Known {
		t.Errorf("unreadable values are blank: %+v", s[2])
	}

	want := []struct{ tab, col, problem string }{
		{"Campaigns", "Decision maker", "no Target"},
		{"Campaigns", "Campaign name", "duplicate of row 2"},
		{"Campaigns", "STATUS", "must be Active, Won, Lost or Paused"},
		{"Campaigns", "Deadline", ""},
		{"Stances", "Organization", "no partner named 'Eastside Tenant Union' — did you mean 'Eastside Tenants Union'?"},
		{"Stances", "Campaign", "no campaign named 'Housing Bil' — did you mean 'Housing Bill'?"},
		{"Stances", "Organization", "duplicate of row 2"},
		{"Stances", "Position", ""},
		{"Stances", "Power", ""},
		{"Stances", "Organization", "has no Partner"},
	}
	var got []scoring.Issue
	for _, is := range res.Issues {
		if is.Tab == "Campaigns" || is.Tab == "Stances" {
			got = append(got, is)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("issues:\n%s\nwant %d", issuesText(got), len(want))
	}
	for i, w := range want {
		if got[i].Tab != w.tab || got[i].Column != w.col || !strings.Contains(got[i].Problem, w.problem) {
			t.Errorf("issue %d: %s; want %s, column %s: %q", i, got[i], w.tab, w.col, w.problem)
		}
	}
	if res.Rows["Campaigns"] != 5 || res.Rows["Stances"] != 7 {
		t.Errorf("rows read %v", res.Rows)
	}
}

func issuesText(list []scoring.Issue) string {
	var b strings.Builder
	for _, is := range list {
		b.WriteString(is.String() + "\n")
	}
	return b.String()
}

func TestStancesWithoutCampaignsSayWhy(t *testing.T) {
	in := tabs(append(emptyTabs(),
		table("Partners", row("Name"), row("Union")),
		table("Stances", row("Partner", "Campaign"), row("Union", "Housing")),
	)...)
	res := Decode(in, Options{})
	if len(res.Campaigns.Stances) != 0 {
		t.Errorf("stances kept without campaigns: %+v", res.Campaigns.Stances)
	}
	found := false
	for _, is := range res.Issues {
		found = found || (is.Tab == "Stances" && strings.Contains(is.Problem, "no Campaigns tab"))
	}
	if !found {
		t.Errorf("no issue says the Campaigns tab is missing:\n%s", issuesText(res.Issues))
	}
}
