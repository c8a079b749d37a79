package render

import (
	"reflect"
	"testing"
	"time"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/history"
	"github.com/partnermap/partnermap/profile"
	"github.com/partnermap/partnermap/scoring"
)

// TestTabsBuiltSideBySideAreTheTabsBuiltOneByOne renders every output tab of a generated
// workbook one at a time and many at once (run it with -race): the tabs, their order and
// every cell must be the same; and the Themes tab drawing its own themes from the profiles
// must equal the tab given them.
func TestTabsBuiltSideBySideAreTheTabsBuiltOneByOne(t *testing.T) {
	cfg := config.Default()
	mess := workload.DefaultMess()
	mess.Typos = 0.05
	inputs := workload.Tabs(cfg.Tabs, workload.SizeOf(300), asOf, mess, 3)
	dec := decode.Decode(workload.Tables(inputs), decode.Options{Tabs: decode.TabNames{
		Partners: cfg.Tabs.Partners, Assets: cfg.Tabs.Assets, Meetings: cfg.Tabs.Meetings, Members: cfg.Tabs.Members}})
	res := scoring.Score(dec.Records, cfg.Scoring, asOf)
	hist := history.Update(nil, history.States(dec.Records.Partners, res), asOf, 0)
	profiles := profile.Build(dec.Records, res)
	o := cfg.Outputs
	in := Input{
		Result: res, Issues: append(append([]scoring.Issue(nil), dec.Issues...), res.Issues...),
		Names: Names{Priorities: o.Priorities, FollowUps: o.FollowUps, PowerMap: o.PowerMap, Connections: o.Connections,
			Owners: o.Owners, DataIssues: o.DataIssues, SyncStatus: o.SyncStatus, History: o.History, Progress: o.Progress,
			Profiles: o.Profiles, Themes: o.Themes},
		Scoring:  &cfg.Scoring,
		Profiles: func() []profile.Profile { return profiles },
		History:  hist.Rows, Progress: history.Progress(hist.Rows, asOf), Moves: history.Moves(hist.Rows, asOf, history.MovedDays),
		Status: Status{Source: "test.xlsx", SyncedAt: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), AsOf: asOf, Version: "test"},
	}
	one := tabsAtOnce(in, 1)
	if len(one) != 11 {
		t.Fatalf("%d tabs, want every tab but Campaigns (11)", len(one))
	}
	for _, n := range []int{2, 4, 16} {
		if many := tabsAtOnce(in, n); !reflect.DeepEqual(many, one) {
			for i := range one {
				if i >= len(many) || !reflect.DeepEqual(many[i], one[i]) {
					t.Fatalf("%d at once: tab %d (%s) differs from the tab built alone", n, i, one[i].Name)
				}
			}
			t.Fatalf("%d at once: %d tabs, one at a time %d", n, len(many), len(one))
		}
	}
	if len(profile.Themes(profiles)) == 0 {
		t.Fatal("the generated partners share no theme: the comparison proves little")
	}
}
