package scoring

import (
	"reflect"
	"slices"
	"testing"
)

func TestFollowUpKinds(t *testing.T) {
	ringOne := func(p *Partner) { p.RingOverride = 1 }
	tests := []struct {
		name     string
		partner  Partner
		meetings []Meeting
		want     []FollowUp
	}{
		{
			name:     "next step overdue by 12 days",
			partner:  partner("P", owner("Ana"), known),
			meetings: []Meeting{meeting("P", ago(30), step("Send the budget", ago(12)))},
			want: []FollowUp{{Owner: "Ana", Partner: "P", Kind: NextStepOverdue, Due: ago(12), DaysOverdue: 12, HasDays: true,
				NextStep: "Send the budget", LastContact: ago(30), Ring: 4}},
		},
		{
			name:     "next step with no due date is overdue 14 days after its meeting",
			partner:  partner("P", owner("Ana"), known),
			meetings: []Meeting{meeting("P", ago(20), step("Call back", 0))},
			want: []FollowUp{{Owner: "Ana", Partner: "P", Kind: NextStepOverdue, Due: ago(6), DaysOverdue: 6, HasDays: true,
				NextStep: "Call back", LastContact: ago(20), Ring: 4}},
		},
		{
			name:     "next step due soon has a due date but no days overdue",
			partner:  partner("P", owner("Ana"), known),
			meetings: []Meeting{meeting("P", ago(2), step("Send the budget", ago(-3)))},
			want: []FollowUp{{Owner: "Ana", Partner: "P", Kind: NextStepDueSoon, Due: ago(-3),
				NextStep: "Send the budget", LastContact: ago(2), Ring: 4}},
		},
		{
			name:     "a done next step is no follow-up",
			partner:  partner("P", owner("Ana"), known),
			meetings: []Meeting{meeting("P", ago(30), step("Send the budget", ago(12)), done)},
		},
		{
			name:    "an older undone step and a newer meeting's step: each its own row and days overdue",
			partner: partner("P", owner("Ana"), known),
			meetings: []Meeting{
				meeting("P", ago(70), step("Send the budget", ago(40)), row(2)),
				meeting("P", ago(20), step("Introduce us to the pastor", ago(6)), row(3)),
			},
			want: []FollowUp{
				{Owner: "Ana", Partner: "P", Kind: NextStepOverdue, Due: ago(40), DaysOverdue: 40, HasDays: true,
					NextStep: "Send the budget", LastContact: ago(20), Ring: 4},
				{Owner: "Ana", Partner: "P", Kind: NextStepOverdue, Due: ago(6), DaysOverdue: 6, HasDays: true,
					NextStep: "Introduce us to the pastor", LastContact: ago(20), Ring: 4},
			},
		},
		{
			name:    "two steps due soon of one partner: both, the first due first",
			partner: partner("P", owner("Ana"), known),
			meetings: []Meeting{
				meeting("P", ago(3), step("B step", ago(-5)), row(2)),
				meeting("P", ago(2), step("A step", ago(-5)), row(3)),
				meeting("P", ago(1), step("C step", ago(-1)), row(4)),
			},
			want: []FollowUp{
				{Owner: "Ana", Partner: "P", Kind: NextStepDueSoon, Due: ago(-1), NextStep: "C step", LastContact: ago(1), Ring: 4},
				{Owner: "Ana", Partner: "P", Kind: NextStepDueSoon, Due: ago(-5), NextStep: "A step", LastContact: ago(1), Ring: 4},
				{Owner: "Ana", Partner: "P", Kind: NextStepDueSoon, Due: ago(-5), NextStep: "B step", LastContact: ago(1), Ring: 4},
			},
		},
		{
			name:    "a step repeated later and marked done there is no follow-up",
			partner: partner("P", owner("Ana"), known),
			meetings: []Meeting{
				meeting("P", ago(70), step("Send the budget", ago(40)), row(2)),
				meeting("P", ago(20), step("SEND the budget", 0), done, row(3)),
			},
		},
		{
			name:    "a step carried forward with a new due date is one follow-up, due on the new date",
			partner: partner("P", owner("Ana"), known),
			meetings: []Meeting{
				meeting("P", ago(70), step("Send the budget", ago(40)), row(2)),
				meeting("P", ago(20), step("Send the budget", ago(3)), row(3)),
			},
			want: []FollowUp{{Owner: "Ana", Partner: "P", Kind: NextStepOverdue, Due: ago(3), DaysOverdue: 3, HasDays: true,
				NextStep: "Send the budget", LastContact: ago(20), Ring: 4}},
		},
		{
			name:     "check-in overdue by cadence of ring 3",
			partner:  partner("P", owner("Ana"), influence(3), alignment(4), stance(1)),
			meetings: []Meeting{meeting("P", ago(70), typed(Event, RoleAttended))},
			want: []FollowUp{{Owner: "Ana", Partner: "P", Kind: CheckInOverdue, Due: ago(10), DaysOverdue: 10, HasDays: true,
				NextStep: "Check in (every 60 days for ring 3)", LastContact: ago(70), Ring: 3}},
		},
		{
			name:     "check-in on the cadence day itself is not yet overdue",
			partner:  partner("P", owner("Ana"), influence(3), alignment(4), stance(1)),
			meetings: []Meeting{meeting("P", ago(60), typed(Event, RoleAttended))},
		},
		{
			name:    "a planned meeting means no check-in is due",
			partner: partner("P", owner("Ana"), influence(3), alignment(4), stance(1)),
			meetings: []Meeting{
				meeting("P", ago(70), typed(Event, RoleAttended)),
				meeting("P", ago(-5)),
			},
		},
		{
			name:     "ring 5 has no check-in cadence",
			partner:  partner("P", owner("Ana"), influence(3), stance(-2)),
			meetings: []Meeting{meeting("P", ago(900))},
		},
		{
			name:     "check-in of an overridden ring 1 is due every 14 days",
			partner:  partner("P", owner("Ana"), known, ringOne),
			meetings: []Meeting{meeting("P", ago(15))},
			want: []FollowUp{{Owner: "Ana", Partner: "P", Kind: CheckInOverdue, Due: ago(1), DaysOverdue: 1, HasDays: true,
				NextStep: "Check in (every 14 days for ring 1)", LastContact: ago(15), Ring: 1}},
		},
		{
			name:     "an overdue next step and an overdue check-in are both listed",
			partner:  partner("P", owner("Ana"), known, ringOne),
			meetings: []Meeting{meeting("P", ago(20), step("Send the budget", ago(5)))},
			want: []FollowUp{
				{Owner: "Ana", Partner: "P", Kind: NextStepOverdue, Due: ago(5), DaysOverdue: 5, HasDays: true,
					NextStep: "Send the budget", LastContact: ago(20), Ring: 1},
				{Owner: "Ana", Partner: "P", Kind: CheckInOverdue, Due: ago(6), DaysOverdue: 6, HasDays: true,
					NextStep: "Check in (every 14 days for ring 1)", LastContact: ago(20), Ring: 1},
			},
		},
		{
			name:    "never met and high power (Q2) → Never met",
			partner: partner("P", owner("Ana"), influence(4), stance(0)),
			want:    []FollowUp{{Owner: "Ana", Partner: "P", Kind: NeverMet, NextStep: "Hold a one-to-one", Ring: 4}},
		},
		{
			name:    "never met and high power (Q1) → Never met",
			partner: partner("P", owner("Ana"), influence(3), stance(1)),
			want:    []FollowUp{{Owner: "Ana", Partner: "P", Kind: NeverMet, NextStep: "Hold a one-to-one", Ring: 4}},
		},
		{
			name:    "never met but lower power is no follow-up",
			partner: partner("P", owner("Ana"), influence(2.9), stance(1)),
		},
		{
			name:     "a planned meeting is not never met",
			partner:  partner("P", owner("Ana"), influence(4), stance(0)),
			meetings: []Meeting{meeting("P", ago(-7))},
		},
		{
			name:     "a meeting with no date does not count as met",
			partner:  partner("P", owner("Ana"), influence(4), stance(0)),
			meetings: []Meeting{meeting("P", 0)},
			want:     []FollowUp{{Owner: "Ana", Partner: "P", Kind: NeverMet, NextStep: "Hold a one-to-one", Ring: 4}},
		},
		{
			name:     "no owner → No owner",
			partner:  partner("P", owner("  "), known),
			meetings: []Meeting{meeting("P", ago(2))},
			want:     []FollowUp{{Partner: "P", Kind: NoOwner, NextStep: "Assign a relationship owner", LastContact: ago(2), Ring: 4}},
		},
		{
			name: "reassess scores set more than 365 days ago, saying who set them",
			partner: partner("P", owner("Ana"), known, func(p *Partner) {
				p.AssessedOn, p.AssessedBy = ago(366), "Ben"
			}),
			meetings: []Meeting{meeting("P", ago(2))},
			want: []FollowUp{{Owner: "Ana", Partner: "P", Kind: Reassess, Due: ago(1), DaysOverdue: 1, HasDays: true,
				NextStep: "Reassess scores (set by Ben on 2025-11-22)", LastContact: ago(2), Ring: 4}},
		},
		{
			name:     "reassess without an assessor says only when",
			partner:  partner("P", owner("Ana"), known, func(p *Partner) { p.AssessedOn = ago(500) }),
			meetings: []Meeting{meeting("P", ago(2))},
			want: []FollowUp{{Owner: "Ana", Partner: "P", Kind: Reassess, Due: ago(135), DaysOverdue: 135, HasDays: true,
				NextStep: "Reassess scores (set on " + ago(500).String() + ")", LastContact: ago(2), Ring: 4}},
		},
		{
			name:     "scores set exactly 365 days ago need no reassessing yet",
			partner:  partner("P", owner("Ana"), known, func(p *Partner) { p.AssessedOn = ago(365) }),
			meetings: []Meeting{meeting("P", ago(2))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(Records{Partners: []Partner{tt.partner}, Meetings: tt.meetings})
			if (len(res.FollowUps) > 0 || len(tt.want) > 0) && !reflect.DeepEqual(res.FollowUps, tt.want) {
				t.Errorf("follow-ups\n got %+v\nwant %+v", res.FollowUps, tt.want)
			}
		})
	}
}

func TestFollowUpOrder(t *testing.T) {
	overdue := func(name string, days int) Meeting {
		return meeting(name, ago(days+20), step("Step of "+name, ago(days)), asked)
	}
	res := score(Records{
		Partners: []Partner{
			partner("Zed", owner("ben"), influence(5), stance(0)), // ranks first, listed by name
			partner("alpha", owner("Ben"), known),
			partner("Beta", owner("BEN"), known),
			partner("Gamma", owner("ben"), known),
			partner("Orphan", influence(4), stance(0)),
			partner("Omega", owner("Ana"), known, func(p *Partner) { p.AssessedOn = ago(400) }),
		},
		Meetings: []Meeting{
			overdue("Zed", 3), overdue("alpha", 10), overdue("Beta", 3), overdue("Omega", 1),
			meeting("Gamma", ago(1), step("Step of Gamma", ago(-2))),
		},
		Members: []Member{{Name: "Ben"}},
	})
	type key struct {
		owner, partner string
		kind           FollowUpKind
	}
	var got []key
	for _, f := range res.FollowUps {
		got = append(got, key{f.Owner, f.Partner, f.Kind})
	}
	want := []key{
		{"Ana", "Omega", NextStepOverdue},
		{"Ana", "Omega", Reassess},
		{"Ben", "alpha", NextStepOverdue}, // 10 days: most overdue first
		{"Ben", "Beta", NextStepOverdue},  // 3 days: then by name, folded
		{"Ben", "Zed", NextStepOverdue},
		{"Ben", "Gamma", NextStepDueSoon},
		{"", "Orphan", NeverMet}, // blank owner last
		{"", "Orphan", NoOwner},
	}
	if !slices.Equal(got, want) {
		t.Errorf("order\n got %v\nwant %v", got, want)
	}
}
