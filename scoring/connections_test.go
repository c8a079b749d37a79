package scoring

import (
	"reflect"
	"testing"
)

func TestConnections(t *testing.T) {
	intro := func(names ...string) func(*Meeting) {
		return func(m *Meeting) { m.Introductions = names }
	}
	member := func(name string) func(*Meeting) {
		return func(m *Meeting) { m.Member = name }
	}
	inactive := func(p *Partner) { p.Inactive = true }
	res := score(Records{
		Partners: []Partner{
			partner("Eastside Tenants Union", owner("Ana"), influence(4), stance(1)),
			partner("Quiet Church", influence(4), stance(0)), // Q2, no owner, no warm path
			partner("Lonely Shop", influence(1), stance(0)),  // Q4: needs no connector
			partner("Old Partner", inactive),
			partner("Paused", inactive),
		},
		Assets: []Asset{
			asset("Ben", "", "neighbour", "eastside  tenants union", 1), // listed by member: after Ana
			asset("Ana", "Organizational relationship", "board member", "Eastside Tenants Union", 3),
			asset("Cy", "Skill", "graphic design", "", 2),
			asset("Dee", "Reach", "newsletter", "Nobody Known", 2),
			asset("Eve", "Physical", "hall", "Old Partner", 2), // inactive, not met in window: unused
			asset("Fay", "", "cousin", "Lonely Shop", 1),       // a warm path, and unused
			asset("Gus", "", "friend", "Paused", 2),            // inactive but met in window: neither
		},
		Meetings: []Meeting{
			meeting("Eastside Tenants Union", ago(10), member("Ana"), intro("Mayor's Office", "quiet church", " mayor's  office ")),
			meeting("Eastside Tenants Union", ago(30), intro("Youth League")),        // no member: the owner offered it
			meeting("Lonely Shop", ago(300), member("Hal"), intro("Mayor's office")), // the first offer
			meeting("Paused", ago(5), intro("Secret Lead", "Old Partner")),           // inactive partners offer no leads
			meeting("Stranger", ago(5), intro("Other Lead")),                         // unknown partners neither
			meeting("Eastside Tenants Union", ago(-10), member("Ana"), intro("Future Friend")),
			meeting("Eastside Tenants Union", 0, intro("Undated Lead")),
			meeting("Eastside Tenants Union", ago(50), member("Jo"), row(20), intro("Tie Lead")),
			meeting("Quiet Church", ago(50), member("Ivy"), row(21), intro("tie lead", "  ")), // same date, lower row
		},
	})
	window := "180"
	want := []Connection{
		{Kind: WarmPath, Partner: "Eastside Tenants Union", Member: "Ana", Detail: "Organizational relationship: board member", Strength: 3},
		{Kind: WarmPath, Partner: "Eastside Tenants Union", Member: "Ben", Detail: "neighbour", Strength: 1},
		{Kind: WarmPath, Partner: "Lonely Shop", Member: "Fay", Detail: "cousin", Strength: 1},
		{Kind: NeedsConnector, Partner: "Quiet Church", Detail: "no owner and no warm path: ask your members who knows them"},
		{Kind: UnusedAsset, Member: "Cy", Detail: "Skill: graphic design: not linked to a partner", Strength: 2},
		{Kind: UnusedAsset, Partner: "Lonely Shop", Member: "Fay", Detail: "cousin: no meeting with Lonely Shop in the last " + window + " days", Strength: 1},
		{Kind: UnusedAsset, Partner: "Nobody Known", Member: "Dee", Detail: `Reach: newsletter: no partner named "Nobody Known", so no meeting in the last ` + window + " days", Strength: 2},
		{Kind: UnusedAsset, Partner: "Old Partner", Member: "Eve", Detail: "Physical: hall: no meeting with Old Partner in the last " + window + " days", Strength: 2},
		{Kind: NewLead, Partner: "Eastside Tenants Union", Member: "Ana", Detail: "introduction to Youth League offered " + ago(30).String()},
		{Kind: NewLead, Partner: "Eastside Tenants Union", Member: "Ana", Detail: "introduction to Future Friend offered " + ago(-10).String()},
		{Kind: NewLead, Partner: "Lonely Shop", Member: "Hal", Detail: "introduction to Mayor's office offered " + ago(300).String()},
		{Kind: NewLead, Partner: "Quiet Church", Member: "Ivy", Detail: "introduction to tie lead offered " + ago(50).String()},
	}
	if !reflect.DeepEqual(res.Connections, want) {
		t.Errorf("connections:")
		for i := range max(len(want), len(res.Connections)) {
			var g, w Connection
			if i < len(res.Connections) {
				g = res.Connections[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("  [%d]\n   got %+v\n  want %+v", i, g, w)
			}
		}
	}
}

func TestNeedsConnector(t *testing.T) {
	tests := []struct {
		name    string
		partner Partner
		assets  []Asset
		want    bool
	}{
		{name: "Q1 partner with no owner and no warm path needs a connector", partner: partner("P", influence(4), stance(1)), want: true},
		{name: "Q2 partner with no owner and no warm path needs a connector", partner: partner("P", influence(3), stance(-2)), want: true},
		{name: "Q3 partner does not", partner: partner("P", influence(2), stance(1))},
		{name: "Q4 partner does not", partner: partner("P", influence(2), stance(-1))},
		{name: "an owner is a connector", partner: partner("P", owner("Ana"), influence(4), stance(1))},
		{name: "a warm path is a connector", partner: partner("P", influence(4), stance(1)), assets: []Asset{asset("Ana", "", "a", "P", 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(Records{Partners: []Partner{tt.partner}, Assets: tt.assets})
			got := false
			for _, c := range res.Connections {
				if c.Kind == NeedsConnector && c.Partner == "P" {
					got = true
				}
			}
			if got != tt.want {
				t.Errorf("needs connector = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnusedAsset(t *testing.T) {
	w := DefaultConfig().WindowDays
	tests := []struct {
		name     string
		meetings []Meeting
		want     bool
	}{
		{name: "partner never met → unused", want: true},
		{name: "partner met in window → used", meetings: []Meeting{meeting("P", ago(w-1))}},
		{name: "partner last met W days ago → unused", meetings: []Meeting{meeting("P", ago(w))}, want: true},
		{name: "a planned meeting does not use it yet", meetings: []Meeting{meeting("P", ago(-1))}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(Records{
				Partners: []Partner{partner("P", owner("Ana"), known)},
				Assets:   []Asset{asset("Ana", "", "a", "P", 2)},
				Meetings: tt.meetings,
			})
			got := false
			for _, c := range res.Connections {
				if c.Kind == UnusedAsset {
					got = true
				}
			}
			if got != tt.want {
				t.Errorf("unused = %v, want %v", got, tt.want)
			}
		})
	}
}
