package scoring

import (
	"reflect"
	"testing"
)

func TestOwnerLoads(t *testing.T) {
	ringOne := func(p *Partner) { p.RingOverride = 1 }
	tests := []struct {
		name  string
		recs  Records
		max   int
		want  []OwnerLoad
		owner map[string]string // partner → Owner in its follow-ups
	}{
		{
			name: "owners counted folded, spelled as in Members, over capacity flagged",
			recs: Records{
				Partners: []Partner{
					partner("P1", owner("Ana"), known, ringOne),
					partner("P2", owner("ana"), known),
					partner("P3", owner(" Ana "), known, func(p *Partner) { p.AssessedOn = ago(400) }),
					partner("P4", owner("Ben"), known, ringOne),
					partner("P5", known),
					partner("P6", owner("Dee"), known, func(p *Partner) { p.Inactive = true }),
					partner("P7", owner("Eve"), known),
				},
				Meetings: []Meeting{
					meeting("P1", ago(20), step("S", ago(5))), // step and check-in overdue: 2
					meeting("P2", ago(2), step("S", ago(-2))), // due soon: not overdue
					meeting("P3", ago(2)),
					meeting("P4", ago(15)),                       // check-in overdue: 1
					meeting("P7", ago(40), step("Old", ago(30))), // two overdue commitments: 2
					meeting("P7", ago(10), step("New", ago(2))),
				},
				Members: []Member{{Name: "ANA", MaxRelationships: 2}, {Name: "Cy"}, {Name: "ana", MaxRelationships: 9}},
			},
			max: 8,
			want: []OwnerLoad{
				{Owner: "ANA", Active: 3, Max: 2, OverdueFollowUp: 2, Over: 1},
				{Owner: "Ben", Active: 1, Max: 8, OverdueFollowUp: 1},
				{Owner: "Eve", Active: 1, Max: 8, OverdueFollowUp: 2},
				{Owner: "Cy", Max: 8}, // a member with no partner is listed with room
			},
			owner: map[string]string{"P1": "ANA", "P3": "ANA", "P4": "Ben"},
		},
		{
			name: "without a Members row the first spelling is shown",
			recs: Records{Partners: []Partner{
				partner("P1", owner("dee  lopez"), known),
				partner("P2", owner("Dee Lopez"), known),
			}},
			max:   8,
			want:  []OwnerLoad{{Owner: "dee  lopez", Active: 2, Max: 8}},
			owner: map[string]string{"P2": "dee  lopez"},
		},
		{
			name: "ties on over and active are broken by name, folded",
			recs: Records{Partners: []Partner{
				partner("P1", owner("bob"), known),
				partner("P2", owner("Al"), known),
				partner("P3", owner("Cal"), known),
				partner("P4", owner("Cal"), known),
				partner("P5", owner("Cal"), known),
			}},
			max: 2,
			want: []OwnerLoad{
				{Owner: "Cal", Active: 3, Max: 2, Over: 1},
				{Owner: "Al", Active: 1, Max: 2},
				{Owner: "bob", Active: 1, Max: 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.MaxRelationships = tt.max
			res := Score(prepared(tt.recs), cfg, asOf)
			if !reflect.DeepEqual(res.Owners, tt.want) {
				t.Errorf("owners\n got %+v\nwant %+v", res.Owners, tt.want)
			}
			for p, want := range tt.owner {
				fs := followUpsOf(res, p)
				if len(fs) == 0 {
					t.Fatalf("test premise: %s has no follow-up", p)
				}
				if fs[0].Owner != want {
					t.Errorf("%s: follow-up owner %q, want %q", p, fs[0].Owner, want)
				}
				for _, a := range res.Assessments {
					if a.Partner.Name == p && a.Owner != want {
						t.Errorf("%s: assessment owner %q, want %q as in its follow-ups", p, a.Owner, want)
					}
				}
			}
		})
	}
}
